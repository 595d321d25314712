# Models for surveys, unsafe places, dialogues and suggestions come with their own issue.
