"""readiness: an AI + Manufacturing readiness assessment for manufacturing enterprises."""

__version__ = "0.1.0"
