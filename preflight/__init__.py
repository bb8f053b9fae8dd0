"""preflight: the offline preview. Runs a Pulumi Python program under a recording engine and its
CrossGuard policy pack over the analyzer protocol, without cloud credentials or the Pulumi CLI."""

__version__ = "0.2.0"
