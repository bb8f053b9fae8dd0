"""Kubernetes on the sovereign offers: SovereignCluster (self-managed RKE2 or Magnum) and ClusterBaseline.

The package root imports nothing, so that `components/config.py` can read the config shapes in
`settings.py` without loading Pulumi resource modules (or making an import cycle).
"""
