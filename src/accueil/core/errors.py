"""Domain errors raised by services; the web layer maps them to HTTP statuses in one place."""

from __future__ import annotations


class DomainError(Exception):
    """Base class. `message` is French and safe to show to the user."""

    status_code = 400
    code = "erreur"

    def __init__(self, message: str, *, details: object | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class InvalidInput(DomainError):
    status_code = 422
    code = "donnees_invalides"


class NotFound(DomainError):
    status_code = 404
    code = "introuvable"

    def __init__(self, what: str = "ressource") -> None:
        super().__init__(f"{what.capitalize()} introuvable.")


class Forbidden(DomainError):
    status_code = 403
    code = "interdit"

    def __init__(self, message: str = "Vous n'avez pas les droits nécessaires pour cette action.") -> None:
        super().__init__(message)


class Unauthenticated(DomainError):
    status_code = 401
    code = "non_authentifie"

    def __init__(self, message: str = "Authentification requise.") -> None:
        super().__init__(message)


class Conflict(DomainError):
    status_code = 409
    code = "conflit"


class InvalidTransition(Conflict):
    code = "transition_invalide"


class RateLimited(DomainError):
    status_code = 429
    code = "trop_de_requetes"

    def __init__(self, message: str = "Trop de requêtes : merci de patienter avant de réessayer.") -> None:
        super().__init__(message)
