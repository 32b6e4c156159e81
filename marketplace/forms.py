from __future__ import annotations

import uuid
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

from edge.text import CleanCharField, clean_text_formfield

from .images import ProcessedImage, process_listing_images
from .models import Category, Listing, Message
from .search import USED, SearchFilters, Sort

ATTRIBUTE_PREFIX = "attr_"
PHOTO_TYPES = "image/jpeg,image/png,image/webp,image/gif"


class SearchForm(forms.Form):
    """The search and browse filters, from GET parameters.

    A bad parameter never fails the page: its field shows an error and the search runs without
    that one filter (see ``to_filters``); an unknown sort falls back to the default order.
    """

    q = CleanCharField(required=False, max_length=200, label="Keywords")
    category = forms.ChoiceField(
        required=False,
        error_messages={"invalid_choice": "There is no category “%(value)s”."},
    )
    # Text inputs, not type=number: a browser empties a number input holding "abc", and the
    # person should see what they typed next to the error.
    min_price = forms.DecimalField(
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        label="Min price",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "From"}),
    )
    max_price = forms.DecimalField(
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        label="Max price",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "To"}),
    )
    city = CleanCharField(required=False, max_length=80)
    condition = forms.ChoiceField(
        required=False,
        choices=[("", "Any condition"), *Listing.Condition.choices, (USED, "Used (any condition)")],
    )
    sort = forms.CharField(required=False)

    def __init__(
        self, data: Any, *, categories: Iterable[Category], fixed_category: Category | None = None
    ) -> None:
        super().__init__(data)
        self.fixed_category = fixed_category
        if fixed_category is None:
            cast(forms.ChoiceField, self.fields["category"]).choices = [
                ("", "All categories"),
                *((category.slug, category.name) for category in categories),
            ]
        else:
            del self.fields["category"]
            if not fixed_category.uses_condition:
                del self.fields["condition"]
        self.fields["q"].widget.attrs["placeholder"] = "e.g. iphone 13"
        self.fields["city"].widget.attrs["placeholder"] = "Any city"

    def clean_sort(self) -> str:
        sort = self.cleaned_data["sort"]
        return sort if sort in dict(Sort.CHOICES) else ""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        low, high = cleaned.get("min_price"), cleaned.get("max_price")
        if low is not None and high is not None and high < low:
            self.add_error("max_price", "The maximum is below the minimum.")
        return cleaned

    def to_filters(self) -> SearchFilters:
        """The filters to search with: the valid fields only."""
        self.is_valid()
        data = self.cleaned_data
        if self.fixed_category is not None:
            category = self.fixed_category.slug
        else:
            category = data.get("category", "")
        return SearchFilters(
            q=data.get("q", ""),
            category=category,
            min_price=data.get("min_price"),
            max_price=data.get("max_price"),
            city=data.get("city", ""),
            condition=data.get("condition", ""),
            sort=data.get("sort", ""),
        )

    @property
    def sort_choices(self) -> list[tuple[str, str]]:
        """Best match only makes sense for a text search."""
        if self.data.get("q", "").strip():
            return Sort.CHOICES
        return [choice for choice in Sort.CHOICES if choice[0] != Sort.RELEVANCE]


def attribute_field(spec: dict) -> forms.Field:
    """The form field for one of a category's ``attribute_specs``."""
    label = f"{spec['label']} ({spec['unit']})" if spec.get("unit") else spec["label"]
    if spec.get("choices"):
        choices = [("", "—")] + [(choice, choice.capitalize()) for choice in spec["choices"]]
        return forms.ChoiceField(label=label, choices=choices, required=False)
    if spec.get("numeric"):
        return forms.DecimalField(
            label=label, required=False, min_value=0, max_digits=12, decimal_places=2
        )
    return CleanCharField(label=label, required=False, max_length=80)


def _json_number(value: Decimal) -> int | float:
    """Attributes are stored as JSON: whole numbers as ints (2019, not 2019.0)."""
    return int(value) if value == value.to_integral_value() else float(value)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one ``<input type=file multiple>`` (Django's documented recipe)."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        uploads = data if isinstance(data, list | tuple) else [data]
        return [
            super(MultipleFileField, self).clean(upload, initial) for upload in uploads if upload
        ]


class ListingForm(forms.ModelForm):
    """Posting and editing a listing.

    The attribute fields (``attr_<key>``) are those of the chosen category: the category posted
    with the form, else the listing's, else none until the seller picks one. Unknown keys are
    therefore never read, choices are enforced and numbers parsed by the fields themselves.
    """

    photos = MultipleFileField(
        required=False,
        help_text="JPEG, PNG, WebP or GIF. The first photo is the cover.",
        widget=MultipleFileInput(attrs={"accept": PHOTO_TYPES}),
    )

    class Meta:
        model = Listing
        fields = ["title", "category", "price", "currency", "condition", "city", "description"]
        formfield_callback = clean_text_formfield
        widgets = {
            "description": forms.Textarea(attrs={"rows": 8}),
            "price": forms.NumberInput(attrs={"min": 0, "step": "0.01", "inputmode": "decimal"}),
        }
        labels = {"category": "Category", "condition": "Condition"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["title"].widget.attrs["placeholder"] = "e.g. iPhone 13, 128 GB, blue"
        cast(forms.ModelChoiceField, self.fields["category"]).empty_label = "Choose a category"
        cast(forms.ChoiceField, self.fields["currency"]).choices = [
            (currency.value, f"{currency.label} {currency.value}") for currency in Listing.Currency
        ]
        cast(forms.ChoiceField, self.fields["condition"]).choices = [
            ("", "—"),
            *Listing.Condition.choices,
        ]
        self.fields["description"].widget.attrs["placeholder"] = (
            "What is it, what state is it in, why are you selling it?"
        )
        self.existing_photo_count = self.instance.images.count() if self.instance.pk else 0
        self.photo_slots = settings.LISTING_IMAGES_PER_LISTING - self.existing_photo_count
        self.selected_category = self._selected_category()
        specs = self.selected_category.attribute_specs if self.selected_category else []
        for spec in specs:
            name = ATTRIBUTE_PREFIX + spec["key"]
            self.fields[name] = attribute_field(spec)
            if not self.is_bound and name not in self.initial:
                self.initial[name] = self.instance.attributes.get(spec["key"], "")
        if self.selected_category is not None and not self.selected_category.uses_condition:
            del self.fields["condition"]
        elif self.selected_category is not None:
            # Goods need a condition; marked required so that its label says so, too.
            condition = self.fields["condition"]
            condition.required = True
            condition.error_messages["required"] = "Choose the item's condition."

    def _selected_category(self) -> Category | None:
        if self.is_bound:
            value = self.data.get(self.add_prefix("category"))
        else:
            value = self.initial.get("category") or self.instance.category_id
        if isinstance(value, Category):
            return value
        try:
            return Category.objects.get(pk=int(value)) if value else None
        except (ValueError, TypeError, Category.DoesNotExist):
            return None

    @property
    def attribute_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith(ATTRIBUTE_PREFIX)]

    def clean_photos(self) -> list[ProcessedImage]:
        """Every new photo, checked and re-encoded within the upload's pixel and time budgets
        (``images.process_listing_images``); each refused file gets its own message."""
        uploads: list[UploadedFile] = self.cleaned_data["photos"]
        if len(uploads) > self.photo_slots:
            limit = settings.LISTING_IMAGES_PER_LISTING
            if self.photo_slots <= 0:
                raise ValidationError(f"This listing already has {limit} photos, the most it can.")
            raise ValidationError(
                f"You chose {len(uploads)} photos but can add only {self.photo_slots} more "
                f"(at most {limit} per listing)."
            )
        return process_listing_images(uploads, [uuid.uuid4().hex[:16] for _ in uploads])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        category = cleaned.get("category")
        attributes: dict[str, Any] = {}
        for spec in category.attribute_specs if category else []:
            value = cleaned.get(ATTRIBUTE_PREFIX + spec["key"])
            if value in (None, ""):
                continue
            attributes[spec["key"]] = (
                _json_number(value) if isinstance(value, Decimal) else str(value).strip()
            )
        cleaned["attributes"] = attributes
        return cleaned

    def listing_fields(self) -> dict[str, Any]:
        """What ``create_listing`` / ``update_listing`` take: the cleaned listing fields."""
        data = self.cleaned_data
        return {
            "title": data["title"].strip(),
            "category": data["category"],
            "price": data["price"],
            "currency": data["currency"],
            "condition": data.get("condition", ""),
            "city": data["city"].strip(),
            "description": data["description"].strip(),
            "attributes": data["attributes"],
        }


class MessageForm(forms.ModelForm):
    class Meta:
        model = Message
        fields = ["body"]
        formfield_callback = clean_text_formfield
        widgets = {"body": forms.Textarea(attrs={"rows": 4})}
        labels = {"body": "Your message"}
        error_messages = {"body": {"required": "Write a message before sending it."}}

    def clean_body(self) -> str:
        body = self.cleaned_data["body"].strip()
        if not body:
            raise ValidationError("Write a message before sending it.")
        return body
