"""Forms for the strategy (3A), its interventions, starting it from agreed
priorities, and a panel member's comment."""

from __future__ import annotations

from django import forms

from deliver.models import Intervention, Strategy
from deliver.strategy import interventions as kinds
from deliver.strategy import selectors
from research.evidence.forms import PeopleFieldsMixin


def _checkboxes():
    return forms.CheckboxSelectMultiple(attrs={"class": "nhsuk-checkboxes--small"})


def _node_label(node) -> str:
    return f"{node.label} ({node.get_kind_display().lower()}, {node.diagram.title})"


class NodeChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return _node_label(obj)


class GoalChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.statement} ({obj.get_status_display().lower()})"


class StrategyForm(forms.ModelForm):
    class Meta:
        model = Strategy
        fields = ["title", "vision", "aims"]
        labels = {"title": "Title", "vision": "Vision (optional)", "aims": "Aims (optional)"}
        help_texts = {
            "title": "For example, 'Fairer crisis care in Leeds 2026 to 2029'.",
            "vision": "In a few sentences: what will be different for people, and for whom.",
            "aims": "What the strategy sets out to do, one aim a line.",
        }
        widgets = {
            "title": forms.TextInput(),
            "vision": forms.Textarea(attrs={"rows": 4}),
            "aims": forms.Textarea(attrs={"rows": 5}),
        }
        error_messages = {"title": {"required": "Enter the strategy's title"}}

    def _post_clean(self):
        pass


class StrategyStartForm(forms.Form):
    """Pick agreed priorities; each becomes an intervention. The strategy's title
    is asked for only when the project has no strategy yet."""

    def __init__(self, *args, project, strategy, **kwargs):
        super().__init__(*args, **kwargs)
        if strategy is None:
            self.fields.update(StrategyForm(initial={"title": f"{project.name} strategy"}).fields)
            self.initial.setdefault("title", f"{project.name} strategy")
        available = selectors.priorities_without_intervention(project)
        self.fields["priorities"] = forms.ModelMultipleChoiceField(
            label="Agreed priorities to turn into interventions",
            queryset=selectors.agreed_priorities(project).filter(pk__in=[p.pk for p in available]),
            widget=_checkboxes(),
            help_text="Each one you select becomes an intervention, filled in from the priority for you to complete.",
            error_messages={
                "required": "Select at least one agreed priority",
                "invalid_choice": "A priority you selected is no longer agreed or already has an intervention: "
                "select again from the list",
            },
        )


class InterventionForm(PeopleFieldsMixin, forms.ModelForm):
    class Meta:
        model = Intervention
        fields = ["title", "kind", "description", "owner"]
        labels = {
            "title": "Intervention",
            "kind": "What kind of intervention is it?",
            "description": "Description (optional)",
            "owner": "Owner (optional)",
        }
        help_texts = {
            "title": "What will be done, in a sentence.",
            "description": "How it will work, where and with whom.",
            "owner": "Who answers for it: a member of the project.",
        }
        widgets = {
            "title": forms.TextInput(),
            "description": forms.Textarea(attrs={"rows": 5}),
            "kind": forms.RadioSelect,
        }
        error_messages = {
            "title": {"required": "Enter the intervention"},
            "kind": {"required": "Select what kind of intervention it is"},
        }

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].required = True
        self.fields["kind"].choices = list(kinds.KINDS)
        self.fields["kind"].help_text = "The kinds of intervention in the AMHE resource (3B), or Other."
        self.fields["owner"].queryset = selectors.member_choices(project)
        self.fields["owner"].empty_label = "Not chosen yet"
        self.add_people_fields(project, what="it is for")
        current = list(self.instance.priorities.all()) if self.instance.pk else []
        self.fields["priorities"] = forms.ModelMultipleChoiceField(
            label="Agreed priorities it comes from",
            required=False,
            queryset=selectors.priority_choices(project, current),
            widget=_checkboxes(),
            help_text="From 2C. Their evidence is shown with the intervention.",
        )
        self.fields["nodes"] = NodeChoiceField(
            label="Driver diagram boxes it serves",
            required=False,
            queryset=selectors.node_choices(project),
            widget=_checkboxes(),
            help_text="From 2B, if the project has a driver diagram or theory of change.",
        )
        self.fields["goals"] = GoalChoiceField(
            label="SMART goals it works towards",
            required=False,
            queryset=selectors.goal_choices(project),
            widget=_checkboxes(),
        )
        if self.instance.pk:
            self.initial["characteristics"] = self.instance.characteristics
            self.initial["populations"] = list(self.instance.populations.all())
            self.initial["priorities"] = current
            self.initial["nodes"] = list(self.instance.nodes.all())
            self.initial["goals"] = list(self.instance.goals.all())
        for name in ("priorities", "nodes", "goals"):
            if not self.fields[name].queryset.exists():
                del self.fields[name]

    def _post_clean(self):
        pass

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        names = [*self.Meta.fields, "characteristics", "populations"]
        arguments = {name: data[name] for name in names}
        for name in ("priorities", "nodes", "goals"):
            if name in self.fields:
                arguments[name] = data[name]
        return arguments


class StrategyCommentForm(forms.Form):
    comment = forms.CharField(
        label="Your comment",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=(
            "What you think of the strategy, or what would make it better. It is shown without your name: "
            "do not write your name in it."
        ),
        error_messages={
            "required": "Enter your comment",
            "max_length": "Comment must be 2,000 characters or fewer",
        },
    )
