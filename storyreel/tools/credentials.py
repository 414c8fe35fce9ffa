"""Content credentials: a C2PA manifest in every video storyreel makes, saying that a trained model made it.

Signing and reading are the official C2PA SDK's (``c2pa-python``). A video is signed with the user's own key and
certificate chain, or else with a local self-signed key made on first use. C2PA accepts such a key only as a chain:
an end-entity certificate (digitalSignature, the emailProtection EKU, not a CA, with key identifiers) issued by a
root CA, never a lone self-signed certificate. A reader trusts the root only when told to (:func:`read_credentials`
with ``trusted``): it is added to C2PA's ``trust.user_anchors``.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import shutil
import struct
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import c2pa
from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pydantic import BaseModel, ConfigDict

from storyreel.atomic import atomic_path
from storyreel.errors import UserError

TRAINED_ALGORITHMIC_MEDIA = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
STORYBOARD_LABEL = "org.storyreel.storyboard"  # the custom assertion: {"hash": the storyboard's hash}
MP4 = "video/mp4"
KEY = "key.pem"
CHAIN = "chain.pem"
LOCAL = "local"  # the folder of the local self-signed key, in the credentials folder
ROOT_DAYS = 36_500
SIGNER_DAYS = 3_650
#: C2PA fetches nothing while signing or reading: a video's credentials are all in the file.
OFFLINE = {"verify": {"remote_manifest_fetch": False, "ocsp_fetch": False}}
#: The ``uuid`` box that holds the manifest store in an MP4 (C2PA 2.x, ISO BMFF).
C2PA_UUID = bytes.fromhex("d8fec3d61b0e483c92975828877ec481")
_ALGORITHMS = {
    "secp256r1": c2pa.C2paSigningAlg.ES256,
    "secp384r1": c2pa.C2paSigningAlg.ES384,
    "secp521r1": c2pa.C2paSigningAlg.ES512,
}


@dataclass(frozen=True)
class Credentials:
    """A signing key and its certificate chain (PEM, the signing certificate first), and where they came from."""

    key: bytes
    chain: bytes
    source: str  # "your key (PATH)" or "local self-signed key (FOLDER), made DATE"

    def fingerprint(self) -> str:
        """The signing certificate's SHA-256, short: for reports and cache keys."""
        return _fingerprint(x509.load_pem_x509_certificates(self.chain)[0])


class CredentialsReport(BaseModel):
    """A video's content credentials as read back; ``manifest`` is None when it has none."""

    model_config = ConfigDict(frozen=True)

    manifest: str | None = None  # the active manifest's label
    title: str | None = None
    generator: str | None = None  # the claim generator, "name/version"
    actions: tuple[tuple[str, str | None], ...] = ()  # (action, digital source type)
    storyboard_hash: str | None = None
    signer: str | None = None  # the signing certificate's subject, e.g. "CN=storyreel local signer,O=storyreel"
    issuer: str | None = None  # and its issuer's
    fingerprint: str | None = None  # as Credentials.fingerprint
    state: str | None = None  # C2PA's validation state: Invalid, Valid (intact, signer not trusted) or Trusted
    errors: tuple[str, ...] = ()  # C2PA's validation failure codes, e.g. "assertion.bmffHash.mismatch"

    @property
    def validates(self) -> bool:
        """Whether there is a manifest and C2PA found no failure in it, an untrusted signer included."""
        return self.manifest is not None and not self.errors


def credentials_dir() -> Path:
    """Where keys live: $STORYREEL_CREDENTIALS_DIR, else $XDG_CONFIG_HOME/storyreel/credentials, else
    ~/.config/storyreel/credentials."""
    if folder := os.environ.get("STORYREEL_CREDENTIALS_DIR"):
        return Path(folder)
    config = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(config) / "storyreel" / "credentials"


def local_credentials(directory: Path | None = None) -> Credentials:
    """The local self-signed key in ``directory`` (default :func:`credentials_dir`), made on first use.

    Key and chain are written into a fresh folder, files mode 0600, that is then renamed into place: a run sees both
    or neither, and of two runs making them at once one wins and both use its key.
    """
    local = Path(directory or credentials_dir()) / LOCAL
    if not (local / KEY).exists():
        try:
            local.parent.mkdir(parents=True, exist_ok=True)
            temporary = Path(tempfile.mkdtemp(prefix=f".{LOCAL}.", dir=local.parent))
            try:
                for name, data in zip((KEY, CHAIN), _self_signed(), strict=True):
                    descriptor = os.open(temporary / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                    with os.fdopen(descriptor, "wb") as file:
                        file.write(data)
                os.rename(temporary, local)
            except OSError:
                if not (local / KEY).exists():  # else another run made them first
                    raise
            finally:
                shutil.rmtree(temporary, ignore_errors=True)
        except OSError as error:
            raise UserError(
                f"cannot make a local signing key in {local.parent}: {error.strerror or error}; "
                "set STORYREEL_CREDENTIALS_DIR to a writable folder"
            ) from error
    made = datetime.datetime.fromtimestamp((local / KEY).stat().st_mtime).date()
    return _load(local / KEY, local / CHAIN, f"local self-signed key ({local}), made {made}")


def load_credentials(key: Path, chain: Path) -> Credentials:
    """A user's own PEM private key (unencrypted) and certificate chain (the signing certificate first)."""
    return _load(Path(key), Path(chain), f"your key ({key})")


def sign_video(path: Path, credentials: Credentials, *, title: str, storyboard_hash: str, version: str) -> None:
    """Embed a C2PA manifest into the MP4 at ``path``, in place and atomically: storyreel ``version`` created it
    with a trained model (IPTC's trainedAlgorithmicMedia), from the storyboard whose hash is ``storyboard_hash``.

    The signed file is checked as it is written, with the chain's root trusted: credentials C2PA rejects fail here.
    """
    path = Path(path)
    agent = {"name": "storyreel", "version": version}
    manifest = {
        "claim_generator_info": [agent],
        "title": title,
        "format": MP4,
        "assertions": [
            {
                "label": "c2pa.actions",
                "data": {
                    "actions": [
                        {
                            "action": "c2pa.created",
                            "digitalSourceType": TRAINED_ALGORITHMIC_MEDIA,
                            "softwareAgent": agent,
                        }
                    ]
                },
            },
            {"label": STORYBOARD_LABEL, "data": {"hash": storyboard_hash}},
        ],
    }
    info = c2pa.C2paSignerInfo(_algorithm(credentials.key), credentials.chain, credentials.key, None)
    try:
        with (
            c2pa.Context.from_dict(_trusting(credentials)) as context,
            c2pa.Signer.from_info(info) as signer,
            c2pa.Builder(manifest, context=context) as builder,
            atomic_path(path) as temporary,
            path.open("rb") as source,
            temporary.open("w+b") as target,
        ):
            builder.sign(signer, MP4, source, target)
    except c2pa.C2paError as error:
        raise UserError(
            f"cannot sign {path} with {credentials.source}: {_line(error)}; C2PA needs an end-entity certificate "
            "with digitalSignature and the emailProtection EKU, followed by the CA that issued it"
        ) from error


@dataclass(frozen=True)
class Signing:
    """What a run signs each of its videos with, and what the manifest says of them: ``sign`` is handed to the
    writer of a video, which signs the whole file before it takes its name, so no video is ever there unsigned."""

    credentials: Credentials
    title: str
    storyboard_hash: str
    version: str

    def sign(self, path: Path) -> None:
        sign_video(path, self.credentials, title=self.title, storyboard_hash=self.storyboard_hash, version=self.version)


def read_credentials(path: Path, *, trusted: Credentials | None = None) -> CredentialsReport:
    """The content credentials of the MP4 at ``path``, validated by C2PA; with ``trusted``, that chain's root is a
    trust anchor, so a video it signed validates. A video without a manifest gives a report with ``manifest`` None."""
    path = Path(path)
    try:
        with (
            c2pa.Context.from_dict(_trusting(trusted) if trusted else OFFLINE) as context,
            path.open("rb") as file,
        ):
            reader = c2pa.Reader.try_create(MP4, file, None, context)
            if reader is None:
                return CredentialsReport()
            with reader:
                store = json.loads(reader.json())
    except c2pa.C2paError as error:
        raise UserError(f"cannot read the content credentials of {path}: {_line(error)}") from error
    label = store["active_manifest"]
    manifest = store["manifests"][label]
    assertions = {assertion["label"]: assertion["data"] for assertion in manifest.get("assertions", [])}
    actions: list[dict[str, Any]] = next(
        (data["actions"] for name, data in assertions.items() if name.startswith("c2pa.actions")), []
    )
    generator = (manifest.get("claim_generator_info") or [{}])[0]
    certificate = _signing_certificate(path, label)
    return CredentialsReport(
        manifest=label,
        title=manifest.get("title"),
        generator="/".join(str(generator[part]) for part in ("name", "version") if part in generator) or None,
        actions=tuple((action["action"], action.get("digitalSourceType")) for action in actions),
        storyboard_hash=assertions.get(STORYBOARD_LABEL, {}).get("hash"),
        signer=certificate.subject.rfc4514_string() if certificate else None,
        issuer=certificate.issuer.rfc4514_string() if certificate else None,
        fingerprint=_fingerprint(certificate) if certificate else None,
        state=store.get("validation_state"),
        errors=tuple(status["code"] for status in store.get("validation_status") or []),
    )


def _line(error: Exception) -> str:
    """An error's message on one line."""
    return " ".join(str(error).split())


def _fingerprint(certificate: x509.Certificate) -> str:
    return hashlib.sha256(certificate.public_bytes(serialization.Encoding.DER)).hexdigest()[:16]


def _trusting(credentials: Credentials) -> dict[str, object]:
    """C2PA settings that trust the last certificate of the credentials' chain (its root), offline."""
    root = x509.load_pem_x509_certificates(credentials.chain)[-1]
    return {**OFFLINE, "trust": {"user_anchors": root.public_bytes(serialization.Encoding.PEM).decode()}}


def _algorithm(key_pem: bytes) -> c2pa.C2paSigningAlg:
    """The C2PA signing algorithm for a PEM private key: ES256/384/512 by curve, Ed25519, or PS256 for RSA."""
    key = serialization.load_pem_private_key(key_pem, password=None)
    if isinstance(key, ec.EllipticCurvePrivateKey) and key.curve.name in _ALGORITHMS:
        return _ALGORITHMS[key.curve.name]
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return c2pa.C2paSigningAlg.ED25519
    if isinstance(key, rsa.RSAPrivateKey):
        return c2pa.C2paSigningAlg.PS256
    raise UserError(f"C2PA cannot sign with a {type(key).__name__} key: use EC P-256/384/521, Ed25519 or RSA")


def _load(key_path: Path, chain_path: Path, source: str) -> Credentials:
    """Read and check a PEM key and chain: the key must be the first certificate's, and C2PA must support it."""
    try:
        key_pem, chain_pem = key_path.read_bytes(), chain_path.read_bytes()
    except OSError as error:
        raise UserError(f"cannot read {error.filename}: {error.strerror or error}; check the path") from error
    try:
        key = serialization.load_pem_private_key(key_pem, password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm) as error:
        raise UserError(f"{key_path} is not an unencrypted PEM private key: {_line(error)}") from error
    try:
        certificates = x509.load_pem_x509_certificates(chain_pem)
    except ValueError as error:
        raise UserError(f"{chain_path} is not a PEM certificate chain: {_line(error)}") from error
    if certificates[0].public_key() != key.public_key():
        raise UserError(f"{key_path} is not the key of the first certificate in {chain_path}: put the signer first")
    _algorithm(key_pem)
    return Credentials(key=key_pem, chain=chain_pem, source=source)


def _self_signed() -> tuple[bytes, bytes]:
    """A new EC P-256 key (PEM) and its chain: an end-entity certificate C2PA accepts for signing, then the root CA
    that issued it. Both start a day back, for readers whose clocks are behind."""
    start = datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=1)
    root_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    root_name = _name("storyreel local root")

    def certificate(subject: x509.Name, public: ec.EllipticCurvePublicKey, days: int) -> x509.CertificateBuilder:
        return (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(root_name)
            .public_key(public)
            .serial_number(x509.random_serial_number())
            .not_valid_before(start)
            .not_valid_after(start + datetime.timedelta(days=days))
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()), critical=False)
        )

    root = (
        certificate(root_name, root_key.public_key(), ROOT_DAYS)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(signing=False), critical=True)
        .sign(root_key, hashes.SHA256())
    )
    signer = (
        certificate(_name("storyreel local signer"), key.public_key(), SIGNER_DAYS)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(signing=True), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .sign(root_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    key_pem = key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    return key_pem, signer.public_bytes(pem) + root.public_bytes(pem)


def _key_usage(*, signing: bool) -> x509.KeyUsage:
    """digitalSignature alone for a signer, keyCertSign and cRLSign for a CA."""
    return x509.KeyUsage(
        digital_signature=signing,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=not signing,
        crl_sign=not signing,
        encipher_only=False,
        decipher_only=False,
    )


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "storyreel"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _manifest_store(path: Path) -> bytes | None:
    """The C2PA manifest store (JUMBF) of the MP4 at ``path``: the payload of its top-level C2PA ``uuid`` box."""
    with path.open("rb") as file:
        while len(header := file.read(8)) == 8:
            start = file.tell() - 8
            size, kind = struct.unpack(">I4s", header)
            if size == 1:  # a 64-bit size follows
                size = struct.unpack(">Q", file.read(8))[0]
            if kind == b"uuid" and file.read(16) == C2PA_UUID:
                return file.read(start + size - file.tell() if size else -1)
            if size == 0:  # the last box, to the end of the file
                return None
            file.seek(start + size)
    return None


def _signing_certificate(path: Path, label: str) -> x509.Certificate | None:
    """The signing certificate of manifest ``label`` in the MP4 at ``path``, which c2pa's Reader does not give: the
    first certificate (DER) in the manifest's signature box, whose COSE x5chain lists the signer's first."""
    store = _manifest_store(path) or b""
    at = store.find(label.encode())
    at = store.find(b"c2pa.signature", at) if at >= 0 else -1
    while at >= 0 and (at := store.find(b"\x30\x82", at + 1)) >= 0:  # a DER SEQUENCE with a two-byte length
        try:
            return x509.load_der_x509_certificate(store[at : at + 4 + int.from_bytes(store[at + 2 : at + 4])])
        except ValueError:
            continue
    return None
