#!/usr/bin/env python3
"""A NumPy/OpenCV replica of packages/core's TemporalStabilizer as it was on 2026-12-06 (a running average);
stabilizer_variants.py has today's (mean colour passes, small texture changes held) and runs the network.

Usage: python3 scripts/video/stabilizer_lab.py INPUT PERFRAME OUT.mkv [--weight 0.5] [--flow-size 256]
           [--photometric T] [--soft-photometric A] [--start S] [--duration D]

PERFRAME is a per-frame stylized clip (stylizeVideo with stabilize: false); OUT gets it
stabilized as the library does: Farneback (OpenCV's, the parameters of farnebackFlow()) on the
grey input frames shrunk to --flow-size (INTER_AREA), both ways; the Ruder et al. 2016 mask
(reliability.ts); the previous *output* pulled along the backward flow, flow and mask up-sampled
bilinearly (warp.ts); O' = O + m w (W(O'_{t-1}) - O) rounded (stabilizer.ts). Written as the
library writes .mkv at crf 0 (libx264, yuv420p). With the same settings it should match the
library's output to within rounding and the encoder.

Variants (off by default):
  --photometric T       also unreliable where the grey input frame t and the previous input frame
                        warped along the same flow differ by more than T (0..255, at flow size):
                        catches flow that is consistent both ways but wrong (small moving objects
                        the coarse flow misses), which the forward-backward check cannot.
  --soft-photometric A  the same as a soft weight exp(-A d^2), d in 0..1 (Lai et al. 2018 use A = 50).
  --cubic               pull the previous output along the flow bicubically, not bilinearly (less
                        blur piling up through the recursion).
"""
import argparse
import subprocess
import sys

import cv2
import numpy as np

sys.path.insert(0, __file__.rsplit('/', 1)[0])
from warp_error import Frames, probe_size  # noqa: E402


def fit_inside(w, h, side):
    if max(w, h) <= side:
        return w, h
    s = side / max(w, h)
    return max(1, round(w * s)), max(1, round(h * s))


FB = dict(levels=3, winsize=15, poly=5, flags=0)


def encoder(path, w, h, crf):
    """ffmpeg taking raw RGB frames on stdin, encoding as stylizeVideo does (libx264 medium, yuv420p)."""
    return subprocess.Popen(['ffmpeg', '-v', 'error', '-y', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', f'{w}x{h}', '-r', '10', '-i', 'pipe:0',
                             '-c:v', 'libx264', '-preset', 'medium', '-crf', str(crf), '-pix_fmt', 'yuv420p', path], stdin=subprocess.PIPE)


def farneback(a, b):
    return cv2.calcOpticalFlowFarneback(a, b, None, 0.5, FB['levels'], FB['winsize'], 3, FB['poly'], 1.2 if FB['poly'] == 5 else 1.5, FB['flags'])


def ruder(back, forward, slack=1.0, boundary=True):
    h, w = back.shape[:2]
    gx, gy = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
    px, py = gx + back[..., 0], gy + back[..., 1]
    inside = (px >= 0) & (py >= 0) & (px <= w - 1) & (py <= h - 1)
    f = cv2.remap(forward, px, py, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    b2 = (back ** 2).sum(-1)
    f2 = (f ** 2).sum(-1)
    s2 = ((f + back) ** 2).sum(-1)
    grad = 0.0
    for k in range(2):
        dy, dx = np.gradient(back[..., k])
        grad = grad + dx ** 2 + dy ** 2
    ok = inside & (s2 <= slack * (0.01 * (f2 + b2) + 0.5))
    if boundary:
        ok &= grad <= slack * (0.01 * b2 + 0.002)
    return ok.astype(np.float32), px, py


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('input')
    ap.add_argument('perframe')
    ap.add_argument('output')
    ap.add_argument('--weight', type=float, default=0.5)
    ap.add_argument('--flow-size', type=int, default=256)
    ap.add_argument('--photometric', type=float)
    ap.add_argument('--soft-photometric', type=float)
    ap.add_argument('--cubic', action='store_true')
    ap.add_argument('--slack', type=float, default=1.0)
    ap.add_argument('--no-boundary', action='store_true')
    ap.add_argument('--levels', type=int, default=3)
    ap.add_argument('--winsize', type=int, default=15)
    ap.add_argument('--poly', type=int, default=5)
    ap.add_argument('--gaussian', action='store_true')
    ap.add_argument('--start', type=float)
    ap.add_argument('--duration', type=float)
    a = ap.parse_args()
    FB.update(levels=a.levels, winsize=a.winsize, poly=a.poly, flags=cv2.OPTFLOW_FARNEBACK_GAUSSIAN if a.gaussian else 0)
    W, H = probe_size(a.perframe)
    inp = Frames(a.input, W, H, scale=True, start=a.start, duration=a.duration)
    sty = Frames(a.perframe, W, H)
    fw, fh = fit_inside(W, H, a.flow_size)
    enc = encoder(a.output, W, H, 0)
    prev = None
    share = []
    while True:
        frame, o = inp.read(), sty.read()
        if frame is None or o is None:
            if (frame is None) != (o is None):
                sys.exit('stabilizer_lab: frame counts differ')
            break
        grey = cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY)
        small = grey if (fw, fh) == (W, H) else cv2.resize(grey, (fw, fh), interpolation=cv2.INTER_AREA)
        out = o
        if prev is not None:
            psmall, pout = prev
            back = farneback(small, psmall)
            forward = farneback(psmall, small)
            mask, px, py = ruder(back, forward, a.slack, not a.no_boundary)
            if a.photometric is not None or a.soft_photometric is not None:
                d = np.abs(small.astype(np.float32) - cv2.remap(psmall.astype(np.float32), px, py, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE))
                if a.photometric is not None:
                    mask *= (d <= a.photometric)
                if a.soft_photometric is not None:
                    mask *= np.exp(-a.soft_photometric * (d / 255) ** 2)
            share.append(float(mask.mean()))
            # warp.ts: flow and mask up-sampled bilinearly (half-pixel centres), flow scaled to pixels.
            bf = cv2.resize(back, (W, H), interpolation=cv2.INTER_LINEAR) if (fw, fh) != (W, H) else back
            m = cv2.resize(mask, (W, H), interpolation=cv2.INTER_LINEAR) if (fw, fh) != (W, H) else mask
            gx, gy = np.meshgrid(np.arange(W, dtype=np.float32), np.arange(H, dtype=np.float32))
            wx = gx + bf[..., 0] * (W / fw)
            wy = gy + bf[..., 1] * (H / fh)
            warped = cv2.remap(pout.astype(np.float32), wx, wy, cv2.INTER_CUBIC if a.cubic else cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
            of = o.astype(np.float32)
            out = np.floor(np.clip(of + (m * a.weight)[..., None] * (warped - of) + 0.5, 0, 255)).astype(np.uint8)
        enc.stdin.write(np.ascontiguousarray(out).tobytes())
        prev = (small, out)
    enc.stdin.close()
    if enc.wait() != 0:
        sys.exit('stabilizer_lab: the encoder failed')
    print(f'{a.output}: mask keeps {100 * np.mean(share):.1f}% of flow pixels on average')


if __name__ == '__main__':
    main()
