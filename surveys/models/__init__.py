"""Everything residents tell the police and the kommun: surveys, unsafe places, dialogues and suggestions."""

from surveys.models.common import Moderation, TimeOfDay
from surveys.models.dialogue import Dialogue
from surveys.models.place import UnsafePlace
from surveys.models.suggestion import Suggestion
from surveys.models.survey import Answer, Choice, Question, Response, Survey, SurveySection

__all__ = [
    "Answer",
    "Choice",
    "Dialogue",
    "Moderation",
    "Question",
    "Response",
    "Suggestion",
    "Survey",
    "SurveySection",
    "TimeOfDay",
    "UnsafePlace",
]
