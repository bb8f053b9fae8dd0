"""Bootstrap and audit the hardened S3 bucket that holds the Pulumi state (DIY backend).

SecNumCloud 3.2, 19.2.d: identities, topology and secrets in the state are technical data that
must stay in the EU, so the state lives in a bucket on the sovereign provider, not in a SaaS.
"""
