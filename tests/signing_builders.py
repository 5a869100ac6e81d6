"""Builders for signature tests: the test's own certificate authority, signers (valid, expired) and PAdES-signed
PDFs made with pyHanko, so no real certificate or network is ever needed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from fpdf import FPDF


@dataclass(frozen=True)
class Issued:
    certificate: x509.Certificate
    key: ec.EllipticCurvePrivateKey

    @property
    def pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    @property
    def der(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.DER)


def _usage(ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True, content_commitment=not ca, key_encipherment=False, data_encipherment=False,
        key_agreement=False, key_cert_sign=ca, crl_sign=ca, encipher_only=False, decipher_only=False,
    )  # fmt: skip


def issue(common_name: str, issuer: Issued | None = None, *, ca: bool = False, valid_days=(-1, 365)) -> Issued:
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.certificate.subject if issuer else subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now + dt.timedelta(days=valid_days[0]))
        .not_valid_after(now + dt.timedelta(days=valid_days[1]))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(_usage(ca), critical=True)
    )
    return Issued(builder.sign(issuer.key if issuer else key, hashes.SHA256()), key)


@lru_cache(maxsize=1)
def pki() -> dict[str, Issued]:
    """One test CA with a valid and an expired signer, and a stranger CA nobody trusts with its own signer."""
    root = issue("CA thử nghiệm motcua", ca=True)
    stranger = issue("CA không được tin cậy", ca=True)
    return {
        "root": root,
        "signer": issue("UBND phường Ngũ Hành Sơn", root),
        "expired": issue("Chứng thư đã hết hạn", root, valid_days=(-60, -1)),
        "stranger": stranger,
        "stranger_signer": issue("Người ký lạ", stranger),
    }


def plain_pdf(text: str = "Giay chung nhan ket hon so 15/2026") -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=14)
    pdf.cell(text=text)
    return bytes(pdf.output())


def signed_pdf(signer: Issued, issuer: Issued, data: bytes | None = None) -> bytes:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    signing = signers.SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(signer.der),
        signing_key=asn1_keys.PrivateKeyInfo.load(
            signer.key.private_bytes(
                serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        ),
        cert_registry=SimpleCertificateStore.from_certs([asn1_x509.Certificate.load(issuer.der)]),
    )
    meta = signers.PdfSignatureMetadata(field_name="ChuKy", subfilter=fields.SigSeedSubFilter.PADES)
    writer = IncrementalPdfFileWriter(BytesIO(data or plain_pdf()))
    return signers.sign_pdf(writer, meta, signer=signing).getvalue()


def tampered(data: bytes) -> bytes:
    """The same PDF with one byte of the signed page content changed."""
    at = data.index(b"stream") + 20
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1 :]
