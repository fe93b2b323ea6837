#!/usr/bin/env python3
"""Makes data/reference/kommuner_2024_outlines.txt from the shared GeoJSON.

One-off: run it again only when the boundaries change (the next municipal
reform). The GeoJSON (1.2 MB, Kartverket, CC BY 4.0) is far more detail than
a map of a few hundred pixels shows, so the outlines are simplified
(Douglas-Peucker, about 200 m), islands smaller than about 1 km2 are
dropped (the largest part of each municipality is always kept), and the
coordinates are stored as whole thousandths of a degree, each point after
the first of a ring as the difference to the one before.

    python3 tools/simplify_boundaries.py \
        ../shared/data/municipalities/kommuner_2024.geojson \
        > data/reference/kommuner_2024_outlines.txt
"""

import json
import math
import sys

TOLERANCE_DEG = 0.002  # along a meridian; about 220 m
MIN_AREA_KM2 = 1.0
KM_PER_DEG = 111.2


def simplify(points, tolerance):
    """Douglas-Peucker on (x, y) already scaled so that both axes are alike."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        a, b = stack.pop()
        (ax, ay), (bx, by) = points[a], points[b]
        dx, dy = bx - ax, by - ay
        length = math.hypot(dx, dy)
        worst, index = -1.0, None
        for i in range(a + 1, b):
            px, py = points[i]
            if length == 0:
                d = math.hypot(px - ax, py - ay)
            else:
                d = abs(dy * px - dx * py + bx * ay - by * ax) / length
            if d > worst:
                worst, index = d, i
        if index is not None and worst > tolerance:
            keep[index] = True
            stack.append((a, index))
            stack.append((index, b))
    return [p for p, k in zip(points, keep) if k]


def area_km2(ring, scale):
    s = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1]):
        s += x1 * y2 - x2 * y1
    return abs(s) / 2 * scale * KM_PER_DEG * KM_PER_DEG


def main(path):
    features = json.load(open(path, encoding="utf-8"))["features"]
    print("# Municipality outlines of 2024, simplified for small maps (tools/simplify_boundaries.py).")
    print("# Source: Kartverket via robhop/fylker-og-kommuner (CC BY 4.0), see SOURCES.md.")
    print("# A line: number, then rings separated by '|'; a ring is 'lon,lat' of its first point")
    print("# in thousandths of a degree, then the difference of each next point to the one before.")
    for f in sorted(features, key=lambda f: f["properties"]["kommunenummer"]):
        number = f["properties"]["kommunenummer"]
        g = f["geometry"]
        polygons = [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]
        rings = [ring for polygon in polygons for ring in polygon]
        lat0 = sum(p[1] for r in rings for p in r) / sum(len(r) for r in rings)
        c = math.cos(math.radians(lat0))
        kept = []
        for ring in rings:
            pts = [(x * c, y) for x, y in ring]
            if pts[0] == pts[-1]:
                pts = pts[:-1]
            a = area_km2(pts, 1.0)
            simple = simplify(pts + pts[:1], TOLERANCE_DEG)[:-1]
            out = []
            for x, y in simple:
                q = (round(x / c * 1000), round(y * 1000))
                if not out or out[-1] != q:
                    out.append(q)
            if len(out) >= 3:
                kept.append((a, out))
        if not kept:
            sys.exit(f"{number}: nothing left after simplifying")
        largest = max(a for a, _ in kept)
        encoded = []
        for a, ring in kept:
            if a < MIN_AREA_KM2 and a != largest:
                continue
            parts = [f"{ring[0][0]},{ring[0][1]}"]
            for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
                parts.append(f"{x2 - x1},{y2 - y1}")
            encoded.append(" ".join(parts))
        print(number + " " + "|".join(encoded))


if __name__ == "__main__":
    main(sys.argv[1])
