"""Small PDFs written by hand for the tests: one page PDFium draws, and one it must refuse."""


def _document(objects, trailer_extra=""):
    """A PDF of these object bodies (numbered from 1), with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R {trailer_extra}>>\n"
            f"startxref\n{xref}\n%%EOF\n").encode()
    return bytes(out)


def one_page(title="Framework contract", width=595, height=842):
    """An A4 page (by default) with a dark band and a title: a preview of it is not blank."""
    stream = (f"0.1 0.3 0.6 rg 0 {height - 160} {width} 160 re f "
              f"BT /F1 36 Tf 1 1 1 rg 40 {height - 100} Td ({title}) Tj ET "
              f"0 0 0 RG 4 w 40 {height - 300} m {width - 40} {height - 300} l S")
    return _document([
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {width} {height}] "
        "/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream",
    ])


def encrypted():
    """A PDF locked with a user password (the standard handler, RC4): nobody gave us the password."""
    key = "<" + "28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A" + ">"
    return _document([
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        f"<< /Filter /Standard /V 1 /R 2 /O {key} /U {key} /P -44 >>",
    ], trailer_extra="/Encrypt 4 0 R /ID [<0123456789ABCDEF0123456789ABCDEF> <0123456789ABCDEF0123456789ABCDEF>] ")
