"""Content credentials: real C2PA manifests signed into real MP4 clips, read back and validated."""

from __future__ import annotations

import datetime
import stat
import struct
from pathlib import Path

import numpy as np
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from storyreel.errors import UserError
from storyreel.tools.credentials import (
    TRAINED_ALGORITHMIC_MEDIA,
    Credentials,
    credentials_dir,
    load_credentials,
    local_credentials,
    read_credentials,
    sign_video,
)
from storyreel.tools.video import AUDIO_RATE, ClipWriter, probe_video, read_video

FPS = 8
FRAMES = 8


@pytest.fixture
def clip(tmp_path: Path) -> Path:
    """A one-second 64x36 H.264+AAC clip of noise."""
    path = tmp_path / "shot.mp4"
    frames = np.random.default_rng(0).integers(0, 256, (FRAMES, 36, 64, 3), dtype=np.uint8)
    with ClipWriter(path, FPS, 64, 36, audio=np.zeros(FRAMES * AUDIO_RATE // FPS, np.float32)) as writer:
        for frame in frames:
            writer.write(frame)
    return path


@pytest.fixture
def local(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Credentials:
    monkeypatch.setenv("STORYREEL_CREDENTIALS_DIR", str(tmp_path / "credentials"))
    return local_credentials()


def sign(path: Path, credentials: Credentials) -> None:
    sign_video(path, credentials, title="The dog who sat", storyboard_hash="3f2a9c", version="0.1.0")


def test_signed_clip_reads_back_and_validates_against_its_chain(clip: Path, local: Credentials) -> None:
    frames, info = read_video(clip), probe_video(clip)
    sign(clip, local)
    report = read_credentials(clip, trusted=local)
    assert report.manifest is not None
    assert report.generator == "storyreel/0.1.0"
    assert report.title == "The dog who sat"
    assert report.actions == (("c2pa.created", TRAINED_ALGORITHMIC_MEDIA),)
    assert report.storyboard_hash == "3f2a9c"
    assert report.fingerprint == local.fingerprint()
    assert (report.signer, report.issuer) == (
        "CN=storyreel local signer,O=storyreel",
        "CN=storyreel local root,O=storyreel",
    )
    assert (report.state, report.errors, report.validates) == ("Trusted", (), True)
    # the video itself is untouched: it still plays, frame for frame
    assert probe_video(clip) == info
    np.testing.assert_array_equal(read_video(clip), frames)
    assert not list(clip.parent.glob(".*part*")), "no temporary file left beside the clip"


def test_without_trust_the_self_signed_chain_is_intact_but_untrusted(clip: Path, local: Credentials) -> None:
    sign(clip, local)
    report = read_credentials(clip)
    assert (report.state, report.errors, report.validates) == ("Valid", ("signingCredential.untrusted",), False)
    other = local_credentials(clip.parent / "elsewhere")
    assert read_credentials(clip, trusted=other).errors == ("signingCredential.untrusted",)


def test_one_changed_byte_of_video_fails_validation(clip: Path, local: Credentials) -> None:
    sign(clip, local)
    data = bytearray(clip.read_bytes())
    offset = 0
    while data[offset + 4 : offset + 8] != b"mdat":
        offset += struct.unpack(">I", data[offset : offset + 4])[0]
    size = struct.unpack(">I", data[offset : offset + 4])[0]
    data[offset + size // 2] ^= 0xFF
    clip.write_bytes(bytes(data))
    report = read_credentials(clip, trusted=local)
    assert report.state == "Invalid"
    assert "assertion.bmffHash.mismatch" in report.errors
    assert not report.validates


def test_a_clip_without_credentials_reads_as_none(clip: Path) -> None:
    report = read_credentials(clip)
    assert report.manifest is None and not report.validates


def test_local_key_is_made_once_and_private(tmp_path: Path, local: Credentials) -> None:
    folder = tmp_path / "credentials" / "local"
    assert credentials_dir() == tmp_path / "credentials"
    assert local.source.startswith(f"local self-signed key ({folder}), made ")
    assert local_credentials() == local
    assert local_credentials(tmp_path / "credentials").fingerprint() == local.fingerprint()
    assert sorted(path.name for path in folder.iterdir()) == ["chain.pem", "key.pem"]
    assert {stat.S_IMODE(path.stat().st_mode) for path in folder.iterdir()} == {0o600}
    assert [path.name for path in (tmp_path / "credentials").iterdir()] == ["local"], "no temporary folder left"


def test_credentials_dir_follows_xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("STORYREEL_CREDENTIALS_DIR", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    assert credentials_dir() == tmp_path / "config" / "storyreel" / "credentials"
    monkeypatch.delenv("XDG_CONFIG_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert credentials_dir() == tmp_path / ".config" / "storyreel" / "credentials"


def user_chain(folder: Path, usage: x509.ObjectIdentifier = ExtendedKeyUsageOID.EMAIL_PROTECTION) -> tuple[Path, Path]:
    """A user's own P-384 key and chain (signer, then its CA), as PEM files; the signer's EKU is ``usage``."""
    now = datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=1)
    ca_key, key = ec.generate_private_key(ec.SECP384R1()), ec.generate_private_key(ec.SECP384R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Example Studio")])

    def certificate(subject: x509.Name, public: ec.EllipticCurvePublicKey, ca: bool) -> x509.Certificate:
        return (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(ca_name)
            .public_key(public)
            .serial_number(x509.random_serial_number())
            .not_valid_before(now)
            .not_valid_after(now + datetime.timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=0 if ca else None), critical=True)
            .add_extension(
                x509.KeyUsage(not ca, False, False, False, False, ca, ca, False, False),
                critical=True,
            )
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
            .sign(ca_key, hashes.SHA384())
        )

    signer_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Ada")])
    pem = serialization.Encoding.PEM
    key_path, chain_path = folder / "ada.key", folder / "ada-chain.pem"
    key_path.write_bytes(key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    chain_path.write_bytes(
        certificate(signer_name, key.public_key(), False).public_bytes(pem)
        + certificate(ca_name, ca_key.public_key(), True).public_bytes(pem)
    )
    return key_path, chain_path


def test_a_users_own_key_signs(tmp_path: Path, clip: Path) -> None:
    key, chain = user_chain(tmp_path)
    credentials = load_credentials(key, chain)
    assert credentials.source == f"your key ({key})"
    sign(clip, credentials)
    report = read_credentials(clip, trusted=credentials)
    assert (report.signer, report.issuer, report.fingerprint) == (
        "CN=Ada",
        "O=Example Studio",
        credentials.fingerprint(),
    )
    assert report.validates


def test_a_certificate_c2pa_rejects_fails_to_sign_and_leaves_the_clip(tmp_path: Path, clip: Path) -> None:
    credentials = load_credentials(*user_chain(tmp_path, ExtendedKeyUsageOID.SERVER_AUTH))
    before = clip.read_bytes()
    with pytest.raises(UserError, match=r"cannot sign .* with your key") as error:
        sign(clip, credentials)
    assert "\n" not in str(error.value)
    assert clip.read_bytes() == before
    assert read_credentials(clip).manifest is None


def test_bad_pem_files_are_one_line_user_errors(tmp_path: Path, local: Credentials) -> None:
    key, chain = user_chain(tmp_path)
    junk = tmp_path / "junk.pem"
    junk.write_text("-----BEGIN PRIVATE KEY-----\nnot base64 at all\n-----END PRIVATE KEY-----\n")
    local_key = tmp_path / "credentials" / "local" / "key.pem"
    for bad_key, bad_chain, reason in [
        (junk, chain, "is not an unencrypted PEM private key"),
        (key, junk, "is not a PEM certificate chain"),
        (local_key, chain, "is not the key of the first certificate"),
        (tmp_path / "missing.pem", chain, "cannot read"),
    ]:
        with pytest.raises(UserError, match=reason) as error:
            load_credentials(bad_key, bad_chain)
        assert "\n" not in str(error.value)
