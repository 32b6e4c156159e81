from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.debug import sensitive_post_parameters

from edge.redirects import safe_next

from .forms import LoginForm, SignupForm


@sensitive_post_parameters("password1", "password2")
def signup(request: HttpRequest) -> HttpResponse:
    next_url = safe_next(request, "")
    if request.user.is_authenticated:
        return redirect(next_url or "home")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Welcome to Bazaar, {user.display_name}!")
        return redirect(next_url or "home")
    return render(request, "registration/signup.html", {"form": form, "next": next_url})


class SitePathNextMixin(auth_views.RedirectURLMixin):
    """Django's auth views check ``next`` for its host only, and take any other text (a relative
    "' OR 1=1 --") as an address; the login page, visited logged in, with itself as ``next``
    raises instead of redirecting. Here ``next`` is a path of this site, or the default."""

    request: HttpRequest

    # django-stubs give this method a ``request`` argument that Django's does not have.
    def get_redirect_url(self) -> str:  # type: ignore[override]
        return safe_next(self.request, "")


class LoginView(SitePathNextMixin, auth_views.LoginView):
    """Django's log-in page, throttled (``accounts.throttle``): a locked client gets a 429."""

    form_class = LoginForm
    redirect_authenticated_user = True

    def form_invalid(self, form: LoginForm) -> HttpResponse:  # type: ignore[override]
        response = super().form_invalid(form)
        if form.is_locked:
            response.status_code = 429
        return response


class LogoutView(SitePathNextMixin, auth_views.LogoutView):
    pass
