from django.urls import path

from . import views

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("login/", views.LoginView.as_view(), name="login"),
    # Django's LogoutView only accepts POST: the top bar's "Log out" is a small form.
    path("logout/", views.LogoutView.as_view(), name="logout"),
]
