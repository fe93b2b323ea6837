#!/usr/bin/env python3
"""Runs the eForms SDK's static Schematron against one notice, offline.

    schematron.py SCHEMATRON_DIR NOTICE.xml

Compiles the phase of the notice's subtype (`eforms-<SubTypeCode>` in
complete-validation.sch) to XSLT 3, with the ISO Schematron semantics the
SDK relies on (a node fires the first matching rule of each pattern; rules
may match attributes; schema and pattern `let`s are global), and runs it
with Saxon-HE (saxonche). Prints every failed assert; exit 1 on any failed
assert of role ERROR, 2 on a usage or processor error.
"""
import sys
from pathlib import Path
from xml.sax.saxutils import quoteattr

from lxml import etree

SCH = "http://purl.oclc.org/dsdl/schematron"

# Language checks (one per text field) accept the EU official languages only;
# Norwegian notices on Doffin are written in Norwegian (NOR, an EEA language).
EU_LANGUAGES = "normalize-space(.) = ('BUL', 'CES', 'DAN', 'DEU'"

# Rules run with another test, each with its reason (printed on every run).
# DFØ's Doffin accepts its extension of the SDK version in CustomizationID
# (eforms-sdk-nor README, "How to identify Norwegian eForms?"); the SDK's
# static rule knows only the bare version. Everything else about the value
# is still checked.
ADAPTED = {
    "BR-OPT-00002-0052": (
        "matches(normalize-space(.),'^eforms-sdk-[0-9]+\\.[0-9]+(#extended#urn:fdc:anskaffelser\\.no:2023:eforms:(eu|national))?$')",
        "CustomizationID may carry DFØ's #extended#urn:fdc:anskaffelser.no:2023:eforms:{eu,national}",
    ),
}
NS = {"s": SCH}


def compile_phase(directory: Path, subtype: str) -> str:
    root = etree.parse(str(directory / "complete-validation.sch")).getroot()
    phase = root.find(f"s:phase[@id='eforms-{subtype}']", NS)
    if phase is None:
        raise SystemExit(f"no phase eforms-{subtype} in the Schematron")
    active = [a.get("pattern") for a in phase.findall("s:active", NS)]
    diagnostics = {
        d.get("id"): (d.text or "").strip()
        for d in root.iterfind("s:diagnostics/s:diagnostic", NS)
    }
    namespaces = {n.get("prefix"): n.get("uri") for n in root.findall("s:ns", NS)}
    out = ['<xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"']
    out += [f' xmlns:{p}={quoteattr(u)}' for p, u in namespaces.items() if p != "xsl"]
    out.append(' exclude-result-prefixes="#all">')
    out.append('<xsl:output method="text"/>')
    out.append('<xsl:global-context-item use="required"/>')
    adapted_languages = []
    lets = list(root.findall("s:let", NS))
    patterns = []
    for pattern_id in active:
        # Each pattern lives in the file named after it.
        pattern = etree.parse(str(directory / f"{pattern_id.removeprefix('EFORMS-')}.sch")).getroot()
        lets += pattern.findall("s:let", NS)
        patterns.append(pattern)
    for let in lets:
        out.append(f'<xsl:variable name="{let.get("name")}" select={quoteattr(let.get("value"))}/>')
    out.append('<xsl:template match="/">')
    for i, _ in enumerate(patterns):
        out.append(f'<xsl:apply-templates select="/" mode="M{i}"/>')
    out.append("</xsl:template>")
    for i, pattern in enumerate(patterns):
        rules = pattern.findall("s:rule", NS)
        for j, rule in enumerate(rules):
            # Earlier rules win: the first matching rule of a pattern fires.
            out.append(f'<xsl:template match={quoteattr(rule.get("context"))} mode="M{i}" priority="{len(rules) - j + 1000}">')
            for let in rule.findall("s:let", NS):
                out.append(f'<xsl:variable name="{let.get("name")}" select={quoteattr(let.get("value"))}/>')
            for check in rule:
                if not isinstance(check.tag, str):
                    continue
                tag = etree.QName(check).localname
                if tag not in ("assert", "report"):
                    continue
                test = check.get("test")
                if test.startswith(EU_LANGUAGES):
                    # Doffin publishes Norwegian notices in Norwegian.
                    test = test.replace("'SWE')", "'SWE', 'NOR')")
                    adapted_languages.append(check.get("id"))
                if check.get("id") in ADAPTED:
                    test, why = ADAPTED[check.get("id")]
                    print(f"adapted {check.get('id')}: {why}", file=sys.stderr)
                cond = f"not({test})" if tag == "assert" else f"({test})"
                where = "; ".join(diagnostics.get(d, d) for d in (check.get("diagnostics") or "").split())
                line = f'{check.get("role") or "ERROR"}\t{check.get("id")}\t{where}\t'
                out.append(f"<xsl:if test={quoteattr(cond)}><xsl:text>{escape(line)}</xsl:text>"
                           '<xsl:value-of select="path()"/><xsl:text>&#10;</xsl:text></xsl:if>')
            out.append(f'<xsl:apply-templates select="@*|node()" mode="M{i}"/></xsl:template>')
        out.append(f'<xsl:template match="@*|node()" mode="M{i}" priority="-1000">'
                   f'<xsl:apply-templates select="@*|node()" mode="M{i}"/></xsl:template>')
    if adapted_languages:
        print(f"adapted {len(adapted_languages)} language rules (BR-BT-00500-0304 ...): NOR is accepted beside the EU official languages", file=sys.stderr)
    out.append("</xsl:stylesheet>")
    return "\n".join(out)


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    directory, notice = Path(sys.argv[1]), Path(sys.argv[2])
    doc = etree.parse(str(notice))
    subtype = doc.xpath(
        "/*/ext:UBLExtensions/ext:UBLExtension/ext:ExtensionContent/efext:EformsExtension/efac:NoticeSubType/cbc:SubTypeCode/text()",
        namespaces={
            "ext": "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2",
            "efext": "http://data.europa.eu/p27/eforms-ubl-extensions/1",
            "efac": "http://data.europa.eu/p27/eforms-ubl-extension-aggregate-components/1",
            "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
        },
    )
    if not subtype:
        print("the notice has no SubTypeCode", file=sys.stderr)
        return 1
    stylesheet = compile_phase(directory, subtype[0].strip())
    from saxonche import PySaxonProcessor

    with PySaxonProcessor(license=False) as proc:
        xslt = proc.new_xslt30_processor()
        executable = xslt.compile_stylesheet(stylesheet_text=stylesheet)
        if executable is None:
            print("the Schematron did not compile", file=sys.stderr)
            return 2
        node = proc.parse_xml(xml_file_name=str(notice.resolve()))
        executable.set_global_context_item(xdm_item=node)
        report = executable.apply_templates_returning_string(xdm_value=node) or ""
    failed = [l for l in report.splitlines() if l.strip()]
    errors = [l for l in failed if l.split("\t", 1)[0] in ("ERROR", "FATAL")]
    for line in failed:
        print(line)
    print(f"schematron phase eforms-{subtype[0].strip()}: {len(errors)} errors, {len(failed) - len(errors)} warnings", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
