"""Language choice: Vietnamese unless the person picked another language with the switch.

Django's LocaleMiddleware would follow the browser's Accept-Language, so an English-language
phone would get English menus around Vietnamese legal content. A provincial system defaults to
Vietnamese; English is chosen explicitly (the language cookie set by the switch).
"""

from django.conf import settings
from django.utils import translation


class LanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        request.LANGUAGE_CODE = language
        with translation.override(language):  # restored afterwards: nothing leaks to the next request
            response = self.get_response(request)
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
        response.headers.setdefault("Content-Language", language)
        return response
