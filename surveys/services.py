"""Work on surveys that spans models. Keyword-only functions named <entity>_<action>."""

from django.db import IntegrityError, transaction

from surveys.models import Answer, Response


def response_submit(*, survey, municipality_id, answers, submission_token):
    """Store one resident's response with all its answers, or nothing at all.

    Returns the new Response, or None when a response with this submission token already exists: the same
    form sent twice (a double click, a reload after posting) stores one response. Nothing about the sender
    is stored: no IP address, browser, session or time of day, only the date (Response.submitted_on).
    """
    if Response.objects.filter(submission_token=submission_token).exists():
        return None
    try:
        with transaction.atomic():
            response = Response.objects.create(
                survey=survey, municipality_id=municipality_id, submission_token=submission_token
            )
            for answer in answers:
                answer.response = response
            Answer.objects.bulk_create(answers)
    except IntegrityError:
        # Two copies of the same form arriving at once: the unique token lets exactly one of them in.
        if Response.objects.filter(submission_token=submission_token).exists():
            return None
        raise
    return response
