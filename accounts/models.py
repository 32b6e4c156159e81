from django.contrib.auth.models import AbstractUser
from django.db import models
from django.urls import reverse


class User(AbstractUser):
    """A person on Bazaar: buyer, seller or both. Staff run the admin and the experiments."""

    city = models.CharField(max_length=80, blank=True)
    bio = models.TextField(max_length=500, blank=True)
    # Marks the people of the demo marketplace, so that `seed_demo --reset` removes exactly
    # them and what they posted, and never a real account.
    is_demo = models.BooleanField(
        default=False, editable=False, help_text="Created by manage.py seed_demo."
    )

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    def get_absolute_url(self) -> str:
        return reverse("seller_profile", args=[self.username])
