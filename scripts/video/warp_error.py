#!/usr/bin/env python3
"""Temporal stability of stylized clips, measured independently of Impasto's own stabilizer.

Usage: python3 scripts/video/warp_error.py INPUT OUT_A [OUT_B ...] [--json FILE]
                                          [--start S] [--duration D] [--no-input-row]

INPUT is the clip the outputs were made from, OUT_A the per-frame (unstabilized) result, which the
other outputs are compared with. Every file is decoded by ffmpeg frame for frame
(`-fps_mode passthrough`, nothing dropped or duplicated), the input scaled to the outputs' size
(flags=area, as stylizeVideo decodes); `--start`/`--duration` trim the input the way
stylizeVideo's options of the same names did (input seek before -i). The frame counts must match.

The optical flow is OpenCV's DIS (preset medium) on the grey input frames, a different algorithm
from the Farneback flow the stabilizer blends with, so a stabilizer cannot score well merely by
agreeing with its own flow. For t >= 1: backward flow b (t -> t-1) and forward f (t-1 -> t); a
pixel is reliable after Ruder et al. 2016 unless
  - x + b(x) leaves the frame,
  - |f(x+b) + b|^2 > 0.01 (|f(x+b)|^2 + |b|^2) + 0.5        (occluded / disoccluded),
  - |grad b_x|^2 + |grad b_y|^2 > 0.01 |b|^2 + 0.002          (motion boundary).
Warp error of an output O: the mean over t >= 1 of mean |O_t - W(O_{t-1})| over reliable pixels
and RGB (0..255), W = cv2.remap bilinear along b. Against OUT_A: "deviation" is mean |O - O_A|
over every pixel and frame; "drift" is the mean over frames of |mean(O_t - O_A,t)| (signed mean
over pixels and RGB: an overall brightness shift), "colour drift" the same per channel, largest
channel, and "max drift" the worst frame's. "detail" is the mean |Laplacian| of the grey output
over OUT_A's: warp error rewards blur, so a stabilizer that smears (ghosts, repeated resampling)
shows below 1 here. A row "(input)" gives the input clip's own warp
error: what the flow leaves unexplained even in real footage (noise, lighting, flow errors).
"""
import argparse
import json
import os
import subprocess
import sys

import cv2
import numpy as np


def probe_size(path):
    r = subprocess.run(
        ['ffprobe', '-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height', '-of', 'csv=p=0', path],
        capture_output=True, text=True)
    if r.returncode != 0 or not r.stdout.strip():
        sys.exit(f'warp_error: cannot read the video stream of {path}: {r.stderr.strip() or "no video stream"}')
    w, h = r.stdout.strip().splitlines()[0].split(',')[:2]
    return int(w), int(h)


class Frames:
    """Raw RGB frames of one file, streamed from ffmpeg."""

    def __init__(self, path, width, height, scale=False, start=None, duration=None):
        self.path = path
        self.width, self.height = width, height
        args = ['ffmpeg', '-hide_banner', '-nostdin', '-nostats', '-loglevel', 'error']
        if start:
            args += ['-ss', str(start)]
        if duration is not None:
            args += ['-t', str(duration)]
        args += ['-i', path, '-map', '0:v:0', '-an', '-sn', '-dn']
        if scale:
            args += ['-vf', f'scale={width}:{height}:flags=area']
        args += ['-fps_mode', 'passthrough', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1']
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.size = width * height * 3
        self.count = 0

    def read(self):
        buf = self.proc.stdout.read(self.size)
        if not buf:
            return None
        if len(buf) != self.size:
            sys.exit(f'warp_error: {self.path}: the decoder stopped inside frame {self.count}')
        self.count += 1
        return np.frombuffer(buf, np.uint8).reshape(self.height, self.width, 3)

    def close(self):
        self.proc.stdout.close()
        err = self.proc.stderr.read().decode(errors='replace').strip()
        code = self.proc.wait()
        if code != 0:
            sys.exit(f'warp_error: ffmpeg could not decode {self.path}: {err.splitlines()[-1] if err else f"exit {code}"}')


def reliability(back, forward):
    """1 where the backward flow can be trusted (Ruder et al. 2016), else 0; plus the remap grids."""
    h, w = back.shape[:2]
    gx, gy = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
    px = gx + back[..., 0]
    py = gy + back[..., 1]
    inside = (px >= 0) & (py >= 0) & (px <= w - 1) & (py <= h - 1)
    f = cv2.remap(forward, px, py, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    b2 = back[..., 0] ** 2 + back[..., 1] ** 2
    f2 = f[..., 0] ** 2 + f[..., 1] ** 2
    s2 = (f[..., 0] + back[..., 0]) ** 2 + (f[..., 1] + back[..., 1]) ** 2
    consistent = s2 <= 0.01 * (f2 + b2) + 0.5
    # Central differences, one-sided at the edges (np.gradient), as in packages/core reliability.ts.
    grad = 0.0
    for k in range(2):
        dy, dx = np.gradient(back[..., k])
        grad = grad + dx ** 2 + dy ** 2
    smooth = grad <= 0.01 * b2 + 0.002
    return inside & consistent & smooth, px, py


def main():
    ap = argparse.ArgumentParser(description='Warp error (temporal stability) of stylized clips, DIS optical flow on the input.')
    ap.add_argument('input')
    ap.add_argument('outputs', nargs='+', help='OUT_A (the per-frame reference) and the others')
    ap.add_argument('--json', help='also write the numbers (and per-frame series) to this file')
    ap.add_argument('--start', type=float, help='seconds into INPUT the outputs start at')
    ap.add_argument('--duration', type=float, help='seconds of INPUT the outputs cover')
    ap.add_argument('--no-input-row', action='store_true', help="leave out the input's own warp error")
    a = ap.parse_args()

    sizes = [probe_size(p) for p in a.outputs]
    if len(set(sizes)) != 1:
        sys.exit('warp_error: the outputs differ in size: ' + ', '.join(f'{p} {w}x{h}' for p, (w, h) in zip(a.outputs, sizes)))
    w, h = sizes[0]
    probe_size(a.input)
    inp = Frames(a.input, w, h, scale=True, start=a.start, duration=a.duration)
    outs = [Frames(p, w, h) for p in a.outputs]

    dis = cv2.DISOpticalFlow_create(cv2.DISOPTICAL_FLOW_PRESET_MEDIUM)
    names = ([] if a.no_input_row else ['(input)']) + a.outputs
    n = len(a.outputs)
    warp = [[] for _ in names]          # per-frame warp error, t >= 1
    reliable_share = []
    dev_sum = np.zeros(n)
    drift = [[] for _ in range(n)]      # per-frame signed mean difference against OUT_A
    colour = [[] for _ in range(n)]     # per-frame largest |per-channel signed mean|
    detail = np.zeros(n)                # sum over frames of mean |Laplacian| of the grey output
    prev = None
    t = 0
    while True:
        frame = inp.read()
        got = [o.read() for o in outs]
        ended = [frame is None] + [g is None for g in got]
        if all(ended):
            break
        if any(ended):
            counts = [inp.count] + [o.count for o in outs]
            msg = ', '.join(f'{p}: {c}{"+" if not e else ""}' for p, c, e in zip([a.input] + a.outputs, counts, ended))
            sys.exit(f'warp_error: frame counts differ (frames decoded; + = more to come): {msg}\n'
                     '  (trim the input with --start/--duration as the outputs were made)')
        gray = cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY)
        imgs = ([] if a.no_input_row else [frame]) + got
        ref = got[0].astype(np.float32)
        for i, g in enumerate(got):
            d = g.astype(np.float32) - ref
            dev_sum[i] += np.abs(d).mean()
            ch = d.reshape(-1, 3).mean(axis=0)
            drift[i].append(float(ch.mean()))
            colour[i].append(float(np.abs(ch).max()))
            detail[i] += np.abs(cv2.Laplacian(cv2.cvtColor(g, cv2.COLOR_RGB2GRAY), cv2.CV_32F)).mean()
        if prev is not None:
            pgray, pimgs = prev
            back = dis.calc(gray, pgray, None)
            forward = dis.calc(pgray, gray, None)
            mask, px, py = reliability(back, forward)
            reliable_share.append(float(mask.mean()))
            for i, (cur, old) in enumerate(zip(imgs, pimgs)):
                if not mask.any():
                    warp[i].append(float('nan'))
                    continue
                warped = cv2.remap(old.astype(np.float32), px, py, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
                err = np.abs(cur.astype(np.float32) - warped).mean(axis=2)
                warp[i].append(float(err[mask].mean()))
        prev = (gray, imgs)
        t += 1
    inp.close()
    for o in outs:
        o.close()
    if t < 2:
        sys.exit(f'warp_error: {t} frame(s): the warp error needs at least two')

    rows = []
    base = float(np.nanmean(warp[0 if a.no_input_row else 1]))
    for i, name in enumerate(names):
        k = i - (0 if a.no_input_row else 1)  # index among the outputs, -1 for the input row
        we = float(np.nanmean(warp[i]))
        row = {'file': name, 'warpError': we, 'vsFirst': we / base if base else float('nan')}
        if k >= 0:
            dr = np.abs(np.array(drift[k]))
            row.update({'deviation': float(dev_sum[k] / t), 'drift': float(dr.mean()), 'colourDrift': float(np.mean(colour[k])),
                        'maxDrift': float(dr.max()), 'signedDrift': float(np.mean(drift[k])),
                        'detail': float(detail[k] / detail[0]) if detail[0] else float('nan')})
        rows.append(row)

    print(f'{a.input}: {t} frames at {w}x{h}, DIS medium flow, {100 * np.mean(reliable_share):.1f}% of pixels reliable on average')
    cols = [('file', 'file'), ('warpError', 'warp error'), ('vsFirst', 'vs OUT_A'), ('deviation', 'deviation'), ('drift', 'drift'),
            ('colourDrift', 'colour drift'), ('maxDrift', 'max drift'), ('signedDrift', 'signed drift'), ('detail', 'detail')]
    short = lambda p: p if p.startswith('(') else os.path.basename(p)
    cell = lambda r, c: (f'{r[c]:.3f}' if isinstance(r[c], float) else short(str(r[c]))) if c in r else ''
    widths = [max(len(title), *(len(cell(r, c)) for r in rows)) for c, title in cols]
    line = lambda vals: '| ' + ' | '.join(v.ljust(wd) for v, wd in zip(vals, widths)) + ' |'
    print(line([title for _, title in cols]))
    print(line(['-' * wd for wd in widths]))
    for r in rows:
        print(line([cell(r, c) for c, _ in cols]))
    print('(0..255 over RGB; deviation and drifts against OUT_A; drift = mean over frames of |signed mean difference|;'
          ' detail = mean |Laplacian| of the grey frames over OUT_A\'s: below 1 = softer, blur or ghosts)')
    if a.json:
        with open(a.json, 'w') as fh:
            json.dump({'input': a.input, 'frames': t, 'width': w, 'height': h, 'flow': 'DIS medium',
                       'reliableShare': float(np.mean(reliable_share)), 'rows': rows,
                       'perFrame': {name: warp[i] for i, name in enumerate(names)}}, fh, indent=1)


if __name__ == '__main__':
    main()
