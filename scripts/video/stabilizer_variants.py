#!/usr/bin/env python3
"""Variants of the video stabilizer, run on a clip as a user gets it (.mp4), to try them before the library.

Usage: python3 scripts/video/stabilizer_variants.py INPUT MODEL.onnx OUTDIR [--weight 0.85]
           [--lowpass -1|SIGMA] [--deadband 12] [--photometric 20] [--winsize 9] [--flow-size 256]
           [--still PX] [--input-weight 0,0.8] [--max-size 384] [--start S] [--duration D] [--crf 20]

MODEL is a fast-style graph from scripts/build-graphs.ts (1x3xHxW RGB 0..255 in and out). Writes
OUTDIR/perframe.mp4 (each input frame stylized alone) and OUTDIR/pre{wi}.mp4 for each input weight
wi, encoded as stylizeVideo encodes .mp4 (libx264 medium, yuv420p, --crf). Then judge them with
warp_error.py. The stabilizer is packages/core's: Farneback on the grey input frames at
--flow-size both ways (--winsize, --levels), forward-backward and photometric mask (--photometric
levels), previous output pulled bicubically, float state; the change r = O - W splits into its
mean colour over the blended pixels (--lowpass -1; SIGMA > 0: a mask-normalised Gaussian blur
instead; 0: none), which passes whole, and the rest h, of which only what exceeds --deadband (RGB
length) is followed, by 1 - --weight (--still PX: hold only where the flow is shorter than PX).
With --lowpass 0 --deadband 0 --photometric 12 --winsize 15 --weight 0.8 it is the stabilizer of
2026-12-06 (a running average). --input-weight wi > 0 also steadies the input frame before the
network by the same recursion (it did not help: docs/benchmarks-history.md).
"""
import argparse
import os
import sys

import cv2
import numpy as np
import onnxruntime as ort

sys.path.insert(0, os.path.dirname(__file__))
from stabilizer_lab import FB, encoder, farneback, fit_inside, ruder  # noqa: E402
from warp_error import Frames, probe_size  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('input')
    ap.add_argument('model')
    ap.add_argument('outdir')
    ap.add_argument('--input-weight', default='0')
    ap.add_argument('--weight', type=float, default=0.85)
    ap.add_argument('--max-size', type=int, default=384)
    ap.add_argument('--start', type=float)
    ap.add_argument('--duration', type=float)
    ap.add_argument('--crf', type=int, default=20)
    ap.add_argument('--photometric', type=float, default=20)
    ap.add_argument('--lowpass', type=float, default=-1, help='-1: the mean colour change passes whole; sigma > 0: a blur of it; 0: nothing')
    ap.add_argument('--deadband', type=float, default=12, help='residual texture under this (RGB length) is not followed')
    ap.add_argument('--flow-size', type=int, default=256)
    ap.add_argument('--levels', type=int, default=3)
    ap.add_argument('--winsize', type=int, default=9)
    ap.add_argument('--still', type=float, default=0, help='hold (deadband) only where the flow is shorter than this (output px)')
    a = ap.parse_args()
    os.makedirs(a.outdir, exist_ok=True)
    W0, H0 = probe_size(a.input)
    W, H = fit_inside(W0, H0, a.max_size)
    W, H = W - W % 2, H - H % 2
    fw, fh = fit_inside(W, H, a.flow_size)
    FB.update(levels=a.levels, winsize=a.winsize)
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 2
    net = ort.InferenceSession(a.model, opts, providers=['CPUExecutionProvider'])

    def stylize(rgb):
        x = np.ascontiguousarray(rgb.astype(np.float32).transpose(2, 0, 1)[None])
        y = net.run(None, {'image': x})[0][0].transpose(1, 2, 0)
        return np.clip(y, 0, 255)

    weights = [float(s) for s in a.input_weight.split(',')]
    encs = {'perframe': encoder(os.path.join(a.outdir, 'perframe.mp4'), W, H, a.crf)}
    for wi in weights:
        encs[f'pre{wi}'] = encoder(os.path.join(a.outdir, f'pre{wi}.mp4'), W, H, a.crf)
    state = {wi: None for wi in weights}  # (small grey, input state float, output state float)
    inp = Frames(a.input, W, H, scale=True, start=a.start, duration=a.duration)
    gx, gy = np.meshgrid(np.arange(W, dtype=np.float32), np.arange(H, dtype=np.float32))
    prev_small = None
    n = 0
    while True:
        frame = inp.read()
        if frame is None:
            break
        grey = cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY)
        small = cv2.resize(grey, (fw, fh), interpolation=cv2.INTER_AREA)
        per = stylize(frame)
        encs['perframe'].stdin.write(np.floor(per + 0.5).astype(np.uint8).tobytes())
        flow = None
        if prev_small is not None:
            back = farneback(small, prev_small)
            forward = farneback(prev_small, small)
            mask, px, py = ruder(back, forward, 1.0, False)
            d = np.abs(small.astype(np.float32) - cv2.remap(prev_small.astype(np.float32), px, py, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE))
            mask *= (d <= a.photometric)
            bf = cv2.resize(back, (W, H), interpolation=cv2.INTER_LINEAR) if (fw, fh) != (W, H) else back
            m = cv2.resize(mask, (W, H), interpolation=cv2.INTER_LINEAR) if (fw, fh) != (W, H) else mask
            speed = np.sqrt((bf[..., 0] * (W / fw)) ** 2 + (bf[..., 1] * (H / fh)) ** 2)
            flow = (gx + bf[..., 0] * (W / fw), gy + bf[..., 1] * (H / fh), m, speed)
        for wi in weights:
            f = frame.astype(np.float32)
            if flow is None or state[wi] is None:
                xin = f
                out = per if wi == 0 else stylize(xin)
            else:
                wx, wy, m, speed = flow
                _, pin, pout = state[wi]
                if wi > 0:
                    win = cv2.remap(pin, wx, wy, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
                    xin = f + (m * wi)[..., None] * (win - f)
                    o = stylize(xin)
                else:
                    xin = f
                    o = per
                wout = cv2.remap(pout, wx, wy, cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE)
                r = o - wout
                mm = m[..., None]
                if a.lowpass < 0:
                    low = np.broadcast_to((r * mm).reshape(-1, 3).sum(0) / max(float(m.sum()), 1e-3), r.shape)
                elif a.lowpass > 0:
                    k = (0, 0)
                    low = cv2.GaussianBlur(r * mm, k, a.lowpass) / np.maximum(cv2.GaussianBlur(m, k, a.lowpass), 1e-3)[..., None]
                else:
                    low = np.zeros_like(r)
                h = r - low
                if a.deadband > 0:
                    length = np.sqrt((h ** 2).sum(-1, keepdims=True))
                    tau = a.deadband * (speed < a.still)[..., None] if a.still > 0 else a.deadband
                    kept = h * (np.maximum(length - tau, 0) / np.maximum(length, 1e-6))
                else:
                    kept = h
                out = wout + r - mm * (h - (1 - a.weight) * kept)
            state[wi] = (small, xin, out)
            encs[f'pre{wi}'].stdin.write(np.floor(np.clip(out, 0, 255) + 0.5).astype(np.uint8).tobytes())
        prev_small = small
        n += 1
    inp.close()
    for e in encs.values():
        e.stdin.close()
        if e.wait() != 0:
            sys.exit('prefilter_lab: the encoder failed')
    print(f'{n} frames at {W}x{H}; wrote', ', '.join(f'{k}.mp4' for k in encs))


if __name__ == '__main__':
    main()
