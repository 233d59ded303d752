"""Month names as our catalogue spells them, for dates Django writes ("1 de dezembro de 2026").

Django translates the names of `django.utils.dates.MONTHS` through its own catalogue, which
capitalises them in Brazilian Portuguese ("Dezembro"); Portuguese writes month names in lower
case. Our catalogue (LOCALE_PATHS) is read before Django's, so the names marked here, translated
in lower case, are the ones every date format with a month name (`F`) uses. Nothing imports
this module: marking the names is enough for makemessages to keep them in the catalogue.
The abbreviated and alternative forms (`N`, `b`, `E`) are not used by any page.
"""

from django.utils.translation import gettext_noop

MONTHS = (
    gettext_noop("January"),
    gettext_noop("February"),
    gettext_noop("March"),
    gettext_noop("April"),
    gettext_noop("May"),
    gettext_noop("June"),
    gettext_noop("July"),
    gettext_noop("August"),
    gettext_noop("September"),
    gettext_noop("October"),
    gettext_noop("November"),
    gettext_noop("December"),
)
