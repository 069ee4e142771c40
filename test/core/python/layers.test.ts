// Parameter counts and shapes against PyTorch's own arithmetic, computed by hand in the comments.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeTree, checkScriptText } from '../../../src/core/python';
import { parseOnce } from '../../../src/core/python/parser';
import { fixture, python } from './helpers';

async function layersOf(body: string, forward = '        return x\n', input = '') {
  const lang = await python();
  const text = `import torch\nimport torch.nn as nn\nWIDTH = 32\n\nclass M(nn.Module):\n    def __init__(self, c=None):\n        super().__init__()\n${body}\n    def forward(self, x):\n${forward}\n${input}`;
  const model = analyzeTree(parseOnce(lang, text)!);
  const m = model.modules.find((x) => x.name === 'M')!;
  return { module: m, layers: Object.fromEntries(m.layers.map((l) => [l.path, l])) };
}

test('layer parameter counts follow PyTorch', async () => {
  const { layers, module } = await layersOf(`        self.a = nn.Conv2d(3, 16, 3)
        self.b = nn.Conv2d(16, WIDTH, 3, bias=False)
        self.dw = nn.Conv2d(64, 64, 3, groups=64)
        self.up = nn.ConvTranspose2d(16, 8, 4, stride=2, padding=1)
        self.fc = nn.Linear(128, 10)
        self.lstm = nn.LSTM(40, 128, num_layers=2)
        self.gru = nn.GRU(64, 32)
        self.bigru = nn.GRU(64, 32, bidirectional=True)
        self.emb = nn.Embedding(1000, 64)
        self.mha = nn.MultiheadAttention(64, 4)
        self.enc = nn.TransformerEncoderLayer(64, 4, dim_feedforward=128)
        self.bn = nn.BatchNorm2d(32)
        self.ln = nn.LayerNorm(64)
        self.ln2 = nn.LayerNorm([8, 8], elementwise_affine=False)
        self.gn = nn.GroupNorm(4, 32)
        self.inorm = nn.InstanceNorm2d(16)
        self.prelu = nn.PReLU()
        self.pool = nn.MaxPool2d(2)
        self.w = nn.Parameter(torch.zeros(10, 20))`);
  const p = (k: string) => layers[k]!.params;
  assert.equal(p('a'), 3 * 16 * 9 + 16); // 448
  assert.equal(p('b'), 16 * 32 * 9); // 4,608: WIDTH is a module constant
  assert.equal(p('dw'), 64 * 1 * 9 + 64); // 640
  assert.equal(p('up'), 16 * 8 * 16 + 8); // 2,056
  assert.equal(p('fc'), 128 * 10 + 10);
  assert.equal(p('lstm'), 4 * (128 * 40 + 128 * 128 + 256) + 4 * (128 * 128 + 128 * 128 + 256)); // 219,136
  assert.equal(p('gru'), 3 * (32 * 64 + 32 * 32 + 64)); // 9,408
  assert.equal(p('bigru'), 2 * 9408);
  assert.equal(p('emb'), 64_000);
  assert.equal(p('mha'), 4 * 64 * 64 + 4 * 64); // in_proj 3E²+3E, out_proj E²+E
  assert.equal(p('enc'), 16_640 + (64 * 128 + 128) + (128 * 64 + 64) + 4 * 64); // 33,472
  assert.equal(p('bn'), 64);
  assert.equal(p('ln'), 128);
  assert.equal(p('ln2'), 0);
  assert.equal(p('gn'), 64);
  assert.equal(p('inorm'), 0); // affine=False by default
  assert.equal(p('prelu'), 1);
  assert.equal(p('pool'), 0);
  assert.equal(p('w'), 200);
  const sum = Object.values(layers).reduce((a, l) => a + l.params!, 0);
  assert.equal(module.params, sum);
});

test('an argument that is not static makes the count unknown, with the reason', async () => {
  const { layers, module } = await layersOf(`        self.a = nn.Conv2d(3, c, 3)
        self.b = nn.Linear(10, 10)`);
  assert.equal(layers['a']!.params, null);
  assert.match(layers['a']!.unknownReason!, /Conv2d/);
  assert.equal(layers['b']!.params, 110);
  assert.equal(module.params, null);
});

test('layers built in loops and comprehensions over literal ranges count each copy', async () => {
  const { layers } = await layersOf(`        self.blocks = nn.ModuleList()
        for i in range(3):
            self.blocks.append(nn.Linear(16, 16))
        self.seq = nn.Sequential(*[nn.Conv1d(8, 8, 3) for _ in range(4)])
        self.head = nn.Sequential()
        self.head.add_module("fc", nn.Linear(16, 2))`);
  assert.equal(layers['blocks']!.params, 3 * 272);
  assert.equal(layers['seq']!.params, 4 * (8 * 8 * 3 + 8));
  assert.equal(layers['head']!.params, 34);
});

test('shapes and MACs through ConvTranspose2d, pooling, flatten and Linear', async () => {
  const { module, layers } = await layersOf(
    `        self.up = nn.ConvTranspose2d(16, 8, 4, stride=2, padding=1)
        self.pool = nn.AvgPool2d(2)
        self.fc = nn.Linear(8 * 14 * 14, 10)`,
    `        x = self.pool(self.up(x))
        return self.fc(x.flatten(1))`,
    'm = M()\ntorch.onnx.export(m, torch.randn(2, 16, 14, 14), "m.onnx")\n',
  );
  assert.deepEqual(layers['up']!.outputShape, [2, 8, 28, 28]); // (14-1)*2 - 2 + 3 + 1 = 28
  assert.equal(layers['up']!.macs, 2 * 16 * 14 * 14 * 8 * 16); // N * Cin * Hin*Win * Cout * k²
  assert.deepEqual(layers['pool']!.outputShape, [2, 8, 14, 14]);
  assert.equal(layers['fc']!.macs, 2 * 1568 * 10);
  assert.equal(module.macs, 2 * 16 * 196 * 8 * 16 + 2 * 1568 * 10);
});

test('a forward() the walk cannot follow leaves MACs unknown instead of guessing', async () => {
  const lang = await python();
  const text = `import torch\nimport torch.nn as nn\nclass M(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(4, 4)\n    def forward(self, x, n):\n        while n > 0:\n            x = self.fc(x)\n            n -= 1\n        return x\nm = M()\ntorch.onnx.export(m, (torch.randn(1, 4), 3), "m.onnx")\n`;
  const { report } = await checkScriptText(lang, text);
  assert.equal(report.modules[0]!.params, 20);
  assert.equal(report.modules[0]!.macs, null);
});

test('weight-initialisation loops over self.modules() in __init__ do not make the count unknown', async () => {
  const { module, layers } = await layersOf(`        self.conv = nn.Conv2d(3, 8, 3)
        self.fc = nn.Linear(8, 2)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out")
            elif isinstance(m, nn.Linear):
                nn.init.zeros_(m.bias)
        if c is not None:
            print("width", c)`);
  assert.equal(layers['conv']!.params, 3 * 8 * 9 + 8);
  assert.equal(module.params, 224 + 18);
  // A loop that does register layers over something unknown still makes the count unknown.
  const unknown = await layersOf(`        self.blocks = nn.ModuleList()
        for w in c:
            self.blocks.append(nn.Linear(w, w))`);
  assert.equal(unknown.module.params, null);
});

test('decoder shapes: Upsample, F.interpolate, PixelShuffle and Unflatten feed the next layers', async () => {
  const { module, layers } = await layersOf(
    `        self.fc = nn.Linear(16, 8 * 4 * 4)
        self.unflat = nn.Unflatten(1, (8, 4, 4))
        self.up = nn.Upsample(scale_factor=2)
        self.conv = nn.Conv2d(8, 16, 3, padding=1)
        self.ps = nn.PixelShuffle(2)
        self.out = nn.Conv2d(4, 1, 3, padding=1)`,
    `        x = self.up(self.unflat(self.fc(x)))
        x = self.ps(self.conv(x))
        x = torch.nn.functional.interpolate(x, size=(32, 32), mode="bilinear")
        return self.out(x)`,
    'm = M()\ntorch.onnx.export(m, torch.randn(1, 16), "m.onnx")\n',
  );
  assert.deepEqual(layers['up']!.outputShape, [1, 8, 8, 8]);
  assert.deepEqual(layers['ps']!.outputShape, [1, 4, 16, 16]);
  assert.deepEqual(layers['out']!.inputShape, [1, 4, 32, 32]);
  // fc 16*128, conv 16*8*8*72, out 1*32*32*36.
  assert.equal(module.macs, 16 * 128 + 16 * 64 * 72 + 1024 * 36);
});

test('when the evaluation budget runs out, figures are unknown rather than undercounted', async () => {
  const lang = await python();
  const text = fixture('resnet8_cifar.py');
  const full = analyzeTree(parseOnce(lang, text)!);
  assert.equal(full.modules.find((m) => m.name === 'ResNet8')!.params, 77_946);
  const cut = analyzeTree(parseOnce(lang, text)!, { maxSteps: 300 });
  assert.deepEqual(cut.modules.map((m) => [m.params, m.macs]), cut.modules.map(() => [null, null]));
});

test('einops patterns: rearrange, repeat and reduce shapes; unresolvable patterns give no shape', async () => {
  const { einopsShape } = await import('../../../src/core/python/layers');
  const ax = (o: Record<string, number>) => new Map(Object.entries(o));
  assert.deepEqual(einopsShape('b c (h p1) (w p2) -> b (h w) (p1 p2 c)', [2, 3, 32, 32], ax({ p1: 8, p2: 8 }), 'rearrange'), [2, 16, 192]);
  assert.deepEqual(einopsShape('b n (h d) -> b h n d', [1, 65, 64], ax({ h: 4 }), 'rearrange'), [1, 4, 65, 16]);
  assert.deepEqual(einopsShape('() n d -> b n d', [1, 1, 64], ax({ b: 3 }), 'repeat'), [3, 1, 64]);
  assert.deepEqual(einopsShape('b ... d -> b d', [2, 7, 7, 64], ax({}), 'reduce'), [2, 64]);
  assert.deepEqual(einopsShape('b (h p) -> b h p', [2, 30], ax({ p: 7 }), 'rearrange'), [2, null, 7]); // 30 is not a multiple of 7
  assert.equal(einopsShape('b c h w -> b c', [2, 3, 4], ax({}), 'reduce'), null); // rank does not match
  assert.equal(einopsShape('b n -> b n k', [2, 3], ax({}), 'repeat'), null); // new axis without its size
});
