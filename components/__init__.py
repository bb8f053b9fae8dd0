"""Pulumi components of the sovereign landing zone."""
