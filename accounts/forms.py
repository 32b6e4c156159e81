from django import forms
from django.contrib.auth.forms import UserCreationForm

from edge.text import CleanCharField

from .models import User


class SignupForm(UserCreationForm):
    email = forms.EmailField(help_text="Only for account emails; buyers never see it.")
    city = CleanCharField(
        max_length=80, required=False, help_text="Pre-filled as the location of your ads."
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email", "city")
