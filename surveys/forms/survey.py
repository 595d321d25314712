"""The public survey form, built from a survey's questions and rendered field by field with crispy-forms."""

from django import forms
from django.utils.html import conditional_escape, format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from surveys.models import Answer, Question, TimeOfDay
from surveys.results import scale_label

# Bots fill in every field they find; people never see this one (static/css/site.css, .survey-honeypot).
HONEYPOT_FIELD = "webbplats"
TEXT_MAX_LENGTH = 4000
PLACE_MAX_LENGTH = 300  # Answer.place_description

REQUIRED_MESSAGE = gettext_lazy("Svara på frågan.")
CHOICE_MESSAGE = gettext_lazy("Välj ett av svarsalternativen.")


def field_name(question, part=""):
    return f"fraga_{question.pk}{'_' + part if part else ''}"


def _label(text, required):
    if not required:
        return text
    return format_html('{} <span class="survey-required">({})</span>', text, _("obligatorisk"))


def _help(text):
    # crispy-forms prints help texts unescaped; coordinators type these, so escape them here.
    return conditional_escape(text) if text else ""


class SurveyAnswerForm(forms.Form):
    """One field per question (two for a place: where, and when), the kommun if the survey covers several,
    a hidden submission token against double submits, and a honeypot.

    Choices are checked against the survey's own prefetched choices, so a choice id from another question,
    a non-number or a scale value outside 1–5 is a form error, and validating costs no queries.
    """

    submission_token = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, data=None, *, groups, municipalities, **kwargs):
        super().__init__(data, **kwargs)
        self.groups = groups
        self.municipalities = list(municipalities)
        self.fields[HONEYPOT_FIELD] = forms.CharField(
            label=_("Lämna det här fältet tomt"),
            required=False,
            widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
        )
        if len(self.municipalities) > 1:
            self.fields["municipality"] = forms.TypedChoiceField(
                label=_label(_("Vilken kommun bor du i?"), True),
                choices=[(str(m.pk), m.name) for m in self.municipalities],
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": _("Välj vilken kommun du bor i."), "invalid_choice": CHOICE_MESSAGE},
            )
        self._choices = {}
        # Field name -> the question it asks, for the error summary.
        self._question_texts = {"municipality": _("Vilken kommun bor du i?")}
        for _section, questions in groups:
            for question in questions:
                self._add_question(question)

    def _add_question(self, question):
        label = _label(question.text, question.required)
        help_text = _help(question.help_text)
        errors = {"required": REQUIRED_MESSAGE, "invalid_choice": CHOICE_MESSAGE}
        kind = question.kind
        if kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
            choices = list(question.choices.all())
            self._choices[question.pk] = {str(choice.pk): choice for choice in choices}
            options = [(str(choice.pk), choice.text) for choice in choices]
            if kind == Question.Kind.SINGLE:
                field = forms.ChoiceField(widget=forms.RadioSelect, choices=options)
            else:
                errors["required"] = _("Välj minst ett svarsalternativ.")
                errors["invalid_choice"] = CHOICE_MESSAGE
                field = forms.MultipleChoiceField(widget=forms.CheckboxSelectMultiple, choices=options)
        elif kind == Question.Kind.SCALE:
            options = [(str(value), scale_label(question, value)) for value in range(1, 6)]
            field = forms.TypedChoiceField(widget=forms.RadioSelect, choices=options, coerce=int)
        elif kind == Question.Kind.TEXT:
            errors["max_length"] = _("Svaret får vara högst %(limit_value)d tecken långt (nu är det %(show_value)d).")
            field = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=TEXT_MAX_LENGTH)
        elif kind == Question.Kind.PLACE:
            self._add_place(question, help_text)
            return
        else:  # a kind added to the model but not to this form: better no field than a broken page
            return
        field.label = label
        field.help_text = help_text
        field.required = question.required
        field.error_messages.update(errors)
        self.fields[field_name(question)] = field
        self._question_texts[field_name(question)] = question.text

    def _add_place(self, question, help_text):
        self._question_texts[field_name(question, "plats")] = question.text
        self._question_texts[field_name(question, "tid")] = question.text
        self.fields[field_name(question, "plats")] = forms.CharField(
            label=_label(_("Var är platsen?"), question.required),
            help_text=help_text or _("Till exempel en gata, en park, en gångtunnel eller en busshållplats."),
            max_length=PLACE_MAX_LENGTH,
            required=question.required,
            error_messages={
                "required": _("Beskriv var platsen är."),
                "max_length": _("Beskriv platsen med högst %(limit_value)d tecken (nu är det %(show_value)d)."),
            },
        )
        self.fields[field_name(question, "tid")] = forms.ChoiceField(
            label=_label(_("När på dygnet känns platsen otrygg?"), question.required),
            choices=TimeOfDay.choices,
            widget=forms.RadioSelect,
            required=question.required,
            error_messages={"required": _("Välj när på dygnet."), "invalid_choice": CHOICE_MESSAGE},
        )

    def clean(self):
        cleaned = super().clean()
        for question in self.questions:
            if question.kind != Question.Kind.PLACE:
                continue
            place, time = field_name(question, "plats"), field_name(question, "tid")
            if self.has_error(place) or self.has_error(time):
                continue
            if cleaned.get(place) and not cleaned.get(time):
                self.add_error(time, _("Välj när på dygnet, eller ta bort beskrivningen av platsen."))
            elif cleaned.get(time) and not cleaned.get(place):
                self.add_error(place, _("Beskriv var platsen är, eller ta bort valet av tid på dygnet."))
        return cleaned

    @property
    def questions(self):
        return [question for _section, questions in self.groups for question in questions]

    @property
    def honeypot(self):
        return self[HONEYPOT_FIELD]

    @property
    def honeypot_filled(self):
        return bool(self.data.get(HONEYPOT_FIELD, "").strip())

    def layout(self):
        """Sections and their questions as the template walks them: bound fields, a place as two fields."""
        groups = []
        for section, questions in self.groups:
            items = []
            for question in questions:
                if question.kind == Question.Kind.PLACE:
                    items.append(
                        {
                            "place": True,
                            "question": question,
                            "legend": _label(question.text, question.required),
                            "where": self[field_name(question, "plats")],
                            "when": self[field_name(question, "tid")],
                        }
                    )
                elif field_name(question) in self.fields:
                    items.append({"place": False, "field": self[field_name(question)]})
            groups.append({"section": section, "items": items})
        return groups

    def error_summary(self):
        """Each error with the question it belongs to and a link target, in the order of the form."""
        summary = [{"href": "", "text": error} for error in self.non_field_errors()]
        choice_widgets = (forms.RadioSelect, forms.CheckboxSelectMultiple)
        for name, field in self.fields.items():
            if name not in self.errors:
                continue
            bound = self[name]
            target = f"{bound.auto_id}_0" if isinstance(field.widget, choice_widgets) else bound.auto_id
            question = self._question_texts.get(name, "")
            for error in self.errors[name]:
                summary.append({"href": f"#{target}", "text": f"{question} – {error}" if question else error})
        return summary

    def municipality_id(self):
        if "municipality" in self.fields:
            return self.cleaned_data["municipality"]
        return self.municipalities[0].pk if self.municipalities else None

    def answers(self):
        """Unsaved Answer rows for what was answered; questions left empty get none."""
        answers = []
        data = self.cleaned_data
        for question in self.questions:
            kind = question.kind
            if kind == Question.Kind.SINGLE:
                if value := data.get(field_name(question)):
                    answers.append(Answer(question=question, choice=self._choices[question.pk][value]))
            elif kind == Question.Kind.MULTIPLE:
                for value in data.get(field_name(question)) or []:
                    answers.append(Answer(question=question, choice=self._choices[question.pk][value]))
            elif kind == Question.Kind.SCALE:
                if value := data.get(field_name(question)):
                    answers.append(Answer(question=question, scale_value=value))
            elif kind == Question.Kind.TEXT:
                if value := data.get(field_name(question)):
                    answers.append(Answer(question=question, text=value))
            elif kind == Question.Kind.PLACE:
                place = data.get(field_name(question, "plats"))
                if place:
                    answers.append(
                        Answer(
                            question=question, place_description=place, time_of_day=data[field_name(question, "tid")]
                        )
                    )
        return answers
