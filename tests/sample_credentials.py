"""A realistic unsigned OB 3.0 award (every field `cc issue` plans to emit), for signing tests."""

from __future__ import annotations

from typing import Any

from cc_cli.credentials.jsonld import OB_EXTENSIONS_CONTEXT, OB_V3_CONTEXT, VC_V2_CONTEXT

OB_SCHEMA = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"


def sample_award(issuer_did: str, *, name: str = "Cloud Architect - Professional") -> dict[str, Any]:
    """An OpenBadgeCredential issued by `issuer_did`, valid 2025-01-15 to 2028-01-15."""
    base = "https://credentials.example.com"
    return {
        "@context": [VC_V2_CONTEXT, OB_V3_CONTEXT, OB_EXTENSIONS_CONTEXT],
        "id": "urn:uuid:2f0e6c1e-5d7a-4a55-9f1b-0c1d2e3f4a5b",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {
            "id": issuer_did,
            "type": ["Profile"],
            "name": "IBM",
            "url": "https://www.ibm.com/training",
            "email": "credentials@example.com",
        },
        "validFrom": "2025-01-15T00:00:00Z",
        "validUntil": "2028-01-15T00:00:00Z",
        "name": name,
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": "sha256$4c8f0d8b5c1e0b7a3f9e2d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a3928",
                    "identityType": "emailAddress",
                    "hashed": True,
                    "salt": "b2f7c1d9e3a4",
                }
            ],
            "achievement": {
                "id": f"{base}/achievements/cloud-architect-professional",
                "type": ["Achievement"],
                "achievementType": "Certification",
                "name": name,
                "description": "Designs secure, resilient hybrid-cloud architectures.\nProctored exam.",
                "criteria": {"narrative": "Pass the proctored exam C1000-172 with a score of 70% or more."},
                "image": {"id": f"{base}/emblems/cloud-architect-professional.png", "type": "Image"},
                "creator": {"id": issuer_did, "type": ["Profile"], "name": "IBM"},
            },
            "awardedDate": "2025-01-15T00:00:00Z",
        },
        "evidence": [
            {
                "id": f"{base}/evidence/8d1e",
                "type": ["Evidence"],
                "narrative": 'Exam passed on 2025-01-10 (score 84%) — "distinction".',
            }
        ],
        "credentialStatus": {
            "id": f"{base}/status/1#94567",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": "94567",
            "statusListCredential": f"{base}/status/1",
        },
        "credentialSchema": [{"id": OB_SCHEMA, "type": "1EdTechJsonSchemaValidator2019"}],
    }
