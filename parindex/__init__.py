"""parindex: the provincial Public Administration Reform index (Chỉ số CCHC), end to end."""

__version__ = "0.1.0"
