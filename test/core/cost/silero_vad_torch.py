# An independent count of the MACs and activations of the published silero_vad.onnx at a sample rate: the branch
# the rate selects rebuilt as PyTorch modules from the weights and attributes stored in the ONNX file (python3-onnx
# reads them), run on one window (16 kHz: 512 new samples + 64 of context = 576, as the Silero wrapper feeds it;
# 8 kHz: 256 + 32 = 288), with forward hooks that
# count multiply-accumulates from the tensors PyTorch actually produces. Prints JSON: the MACs per layer and in
# total, every intermediate tensor's element count, and the output, so the caller can check the rebuild against
# onnxruntime and our engine against the count.
#
# usage: python3 silero_vad_torch.py MODEL.onnx [SR [SAMPLES]]
import json
import math
import sys

import onnx
import torch
from onnx import numpy_helper

path = sys.argv[1]
sr = int(sys.argv[2]) if len(sys.argv) > 2 else 16000
samples = int(sys.argv[3]) if len(sys.argv) > 3 else (576 if sr == 16000 else 288)
model = onnx.load(path)
top_if = next(n for n in model.graph.node if n.op_type == 'If')
# The condition is Equal(sr, C): the then-branch runs when sr == C.
equal = next(n for n in model.graph.node if n.op_type == 'Equal' and n.output[0] == top_if.input[0])
c = next(n for n in model.graph.node if n.op_type == 'Constant' and n.output[0] in equal.input)
rate = int(numpy_helper.to_array(c.attribute[0].t))
branch = next(a.g for a in top_if.attribute if a.name == ('then_branch' if sr == rate else 'else_branch'))
weights = {}
convs = {}
pad = None
for n in branch.node:
    if n.op_type == 'Constant' and n.attribute and n.attribute[0].type == onnx.AttributeProto.TENSOR:
        weights[n.output[0].split('branch__Inline_0__')[-1]] = torch.from_numpy(numpy_helper.to_array(n.attribute[0].t).copy())
    if n.op_type == 'Conv':
        attrs = {a.name: onnx.helper.get_attribute_value(a) for a in n.attribute}
        convs[n.input[1].split('branch__Inline_0__')[-1]] = attrs
    if n.op_type == 'Pad':
        pad = onnx.helper.get_attribute_value(next(a for a in n.attribute if a.name == 'mode')).decode()
pads = weights['/stft/padding/Constant_1_output_0'].tolist()  # (left, right) of the reflect pad


def conv(name):
    w = weights[f'{name}.weight' if f'{name}.weight' in weights else name]
    a = convs[f'{name}.weight' if f'{name}.weight' in convs else name]
    m = torch.nn.Conv1d(w.shape[1] * a['group'], w.shape[0], w.shape[2], stride=a['strides'][0], padding=a['pads'][0],
                        dilation=a['dilations'][0], groups=a['group'], bias=f'{name}.bias' in weights)
    m.weight.data = w
    if f'{name}.bias' in weights:
        m.bias.data = weights[f'{name}.bias']
    return m


stft = conv('stft.forward_basis_buffer')
encoder = [conv(f'encoder.{i}.reparam_conv') for i in range(4)]
lstm = torch.nn.LSTMCell(weights['decoder.rnn.weight_ih'].shape[1], weights['decoder.rnn.weight_hh'].shape[1])
lstm.weight_ih.data = weights['decoder.rnn.weight_ih']
lstm.weight_hh.data = weights['decoder.rnn.weight_hh']
lstm.bias_ih.data = weights['decoder.rnn.bias_ih']
lstm.bias_hh.data = weights['decoder.rnn.bias_hh']
head = conv('decoder.decoder.2')

macs = []
tensors = []


def conv_hook(name):
    def hook(m, inputs, output):
        k = m.kernel_size[0]
        macs.append({'layer': name, 'macs': output.numel() * (m.in_channels // m.groups) * k, 'output': list(output.shape)})
    return hook


stft.register_forward_hook(conv_hook('stft'))
for i, e in enumerate(encoder):
    e.register_forward_hook(conv_hook(f'encoder.{i}'))
head.register_forward_hook(conv_hook('decoder.2'))


def lstm_hook(m, inputs, output):
    x = inputs[0]
    # 4 gates, each a (hidden x input) and a (hidden x hidden) matrix-vector product per batch row
    macs.append({'layer': 'lstm', 'macs': x.shape[0] * 4 * m.hidden_size * (m.input_size + m.hidden_size), 'output': list(output[0].shape)})


lstm.register_forward_hook(lstm_hook)


def keep(t):
    tensors.append(list(t.shape))
    return t


with torch.no_grad():
    x = torch.tensor([[math.sin(0.05 * i) * 0.3 for i in range(samples)]], dtype=torch.float32)
    state = torch.zeros(2, 1, lstm.hidden_size)
    y = keep(torch.nn.functional.pad(x.unsqueeze(1), tuple(pads), mode=pad))
    y = keep(stft(y))
    half = y.shape[1] // 2
    real, imag = y[:, :half, :], y[:, half:, :]
    y = keep(torch.sqrt(real ** 2 + imag ** 2))
    for e in encoder:
        y = keep(torch.relu(e(y)))
    h, c = lstm(y.squeeze(-1), (state[0], state[1]))
    y = keep(h.unsqueeze(-1))
    y = keep(torch.sigmoid(head(torch.relu(y))))
    out = y.squeeze(1).mean(dim=1, keepdim=True)

print(json.dumps({'sr': sr, 'samples': samples, 'macs': sum(m['macs'] for m in macs), 'layers': macs, 'tensors': tensors,
                  'output': out.flatten().tolist(), 'input': 'sin(0.05 i) * 0.3'}))
