"""Forms for 2B diagrams. They collect and tidy input; the graph's rules (one
aim, parents of the level above, no loops) are checked by
research.plans.services, whose messages are shown against these fields."""

from __future__ import annotations

from django import forms

from research.models import Diagram, DiagramNode
from research.models.plans import PLURALS, TOP_KINDS
from research.plans import layout, services


class DiagramForm(forms.Form):
    title = forms.CharField(
        label="Title",
        max_length=200,
        help_text="For example, 'Fewer detentions of Black men under the Mental Health Act'.",
        error_messages={"required": "Enter a title for the diagram."},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    kind = forms.ChoiceField(
        label="What kind of diagram",
        choices=Diagram.Kind.choices,
        widget=forms.RadioSelect,
        help_text="A driver diagram goes from an aim to the drivers of change and the ideas to test. "
        "A theory of change goes from activities through early and intermediate outcomes to a long-term "
        "outcome, with its assumptions and indicators.",
        error_messages={"required": "Choose a driver diagram or a theory of change."},
    )

    def __init__(self, *args, diagram: Diagram | None = None, **kwargs):
        if diagram is not None:
            kwargs.setdefault("initial", {"title": diagram.title})
        super().__init__(*args, **kwargs)
        if diagram is not None:
            del self.fields["kind"]


class NodeKindForm(forms.Form):
    """What to add, when the page was opened without saying."""

    kind = forms.ChoiceField(label="What do you want to add?", widget=forms.RadioSelect)

    def __init__(self, *args, diagram: Diagram, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k, DiagramNode.Kind(k).label) for k in diagram.node_kinds]


class ParentChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{DiagramNode.Kind(obj.kind).label}: {layout.shorten(obj.label, 90)}"


class IdeaChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        session = layout.shorten(obj.session.question, 40)
        return f"{layout.shorten(obj.text, 90)} (idea {obj.number}, session: {session})"


class ReferenceChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{layout.shorten(obj.title, 90)} ({obj.year})" if obj.year else layout.shorten(obj.title, 90)


class NodeForm(forms.Form):
    """A box's text, the boxes it serves and, for the aim, an agreed SMART goal."""

    goal = forms.ModelChoiceField(
        label="Use an agreed SMART goal (optional)",
        queryset=None,
        required=False,
        empty_label="No, write it in words",
        help_text="The goal's statement is then what the box says.",
    )
    text = forms.CharField(
        label="What it says",
        required=False,
        max_length=services.TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    parents = ParentChoiceField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "nhsuk-checkboxes--small"}),
    )

    references = ReferenceChoiceField(
        label="Evidence behind it (optional)",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "nhsuk-checkboxes--small"}),
        help_text="References from the project's evidence base (2A) that support this box.",
    )

    ngt_ideas = IdeaChoiceField(
        label="Ideas from NGT sessions behind it (optional)",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "nhsuk-checkboxes--small"}),
        help_text="Ideas a nominal group technique session (2B) came up with that this box takes forward.",
    )

    def __init__(
        self,
        *args,
        diagram: Diagram,
        kind: str,
        candidates,
        goals,
        node: DiagramNode | None = None,
        evidence=None,
        ideas=None,
        **kw,
    ):
        if node is not None:
            kw.setdefault(
                "initial",
                {
                    "text": node.text,
                    "goal": node.goal_id,
                    "parents": [p.pk for p in node.parents.all()],
                    "references": [r.pk for r in node.references.all()],
                    "ngt_ideas": [i.pk for i in node.ngt_ideas.all()],
                },
            )
        super().__init__(*args, **kw)
        if evidence is not None and evidence.exists():
            self.fields["references"].queryset = evidence
        else:
            del self.fields["references"]
        if ideas is not None and ideas.exists():
            self.fields["ngt_ideas"].queryset = ideas
        else:
            del self.fields["ngt_ideas"]
        label = DiagramNode.Kind(kind).label.lower()
        self.fields["text"].help_text = f"The {label} in a short sentence. It is wrapped to fit its box."
        allowed = services.parent_kinds(diagram, kind)
        if allowed:
            names = " or ".join(PLURALS[k].lower() for k in allowed)
            self.parent_names = names
            self.fields["parents"].label = (
                "Which boxes does it belong to?"
                if kind in diagram.attachment_kinds
                else f"Which {names} does it serve?"
            )
            self.fields["parents"].help_text = "Select all that apply."
            self.fields["parents"].queryset = candidates
            # Required, unless there is nothing to choose: the service then says what to add first.
            self.fields["parents"].required = candidates.exists()
            self.fields["parents"].error_messages["required"] = services.parents_required_message(diagram, kind)
        else:
            del self.fields["parents"]
        if kind in TOP_KINDS and goals is not None:
            self.fields["goal"].queryset = goals
            self.fields["text"].help_text += " Leave it empty if you use a SMART goal."
        else:
            del self.fields["goal"]
            self.fields["text"].required = True
            self.fields["text"].error_messages["required"] = f"Enter what the {label} says."

    def service_arguments(self) -> dict:
        return {
            "text": self.cleaned_data["text"],
            "parents": list(self.cleaned_data.get("parents") or []),
            "goal": self.cleaned_data.get("goal"),
            "references": list(self.cleaned_data.get("references") or []),
            "ngt_ideas": list(self.cleaned_data.get("ngt_ideas") or []),
        }
