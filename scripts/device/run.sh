#!/usr/bin/env bash
# Prepares the one GPU run (here), then the device command runs:
#   source .device-carry/gpu-env.sh && node .device-carry/gpu-bench.cjs .device-carry/weights $OUT/gpu-bench.json \
#     && python3 .device-carry/torch-peer.py $OUT/torch-peer.json
# (check both here first: GPU_BENCH_SMOKE=1 node .device-carry/gpu-bench.cjs ../shared/weights /tmp/g.json;
#  python3 scripts/device/torch-peer.py /tmp/t.json --smoke)
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"
bash ../shared/device/prepare.sh onnxruntime-node onnxruntime-common
# --tsconfig: every file, packages/node/src's too, resolves @impasto/core to its sources (not dist/).
npx esbuild scripts/device/gpu-bench.ts --bundle --platform=node --target=node20 --format=cjs --tsconfig=tsconfig.json \
  --external:onnxruntime-node --external:sharp --outfile=.device-carry/gpu-bench.cjs
w=.device-carry/weights
rm -rf "$w" && mkdir -p "$w/fst" "$w/vgg19-tfjs-uint8"
cp -r ../shared/weights/fst/wave "$w/fst/"
cp -r ../shared/weights/squeezenet1_1-caffe ../shared/weights/microast "$w/"
cp scripts/device/torch-peer.py .device-carry/
cp ../shared/weights/vgg19-tfjs-uint8/model.json "$w/vgg19-tfjs-uint8/"
for i in $(seq 1 13); do cp "../shared/weights/vgg19-tfjs-uint8/group1-shard${i}of138.bin" "$w/vgg19-tfjs-uint8/"; done
du -sh .device-carry
npx esbuild scripts/device/nst-512.ts --bundle --platform=node --target=node20 --format=cjs --tsconfig=tsconfig.json \
  --external:onnxruntime-node --external:sharp --outfile=.device-carry/nst-512.cjs
# Decoded here (the GPU machine has no sharp): the README's NST example at 512 px.
mkdir -p .device-carry/images
npx tsx -e "
const sharp = require('sharp'); const fs = require('fs');
(async () => {
  for (const [name, file] of [['content', '../shared/images/content/skimage_chelsea.png'], ['style', '../shared/images/style/jcjohnson_starry_night.jpg']]) {
    const { data, info } = await sharp(file).resize(512, 512, { fit: 'inside' }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    fs.writeFileSync('.device-carry/images/' + name + '.rgb', data);
    fs.writeFileSync('.device-carry/images/' + name + '.json', JSON.stringify({ width: info.width, height: info.height }));
  }
})();"
du -sh .device-carry
