// Owns the table of published architectures (torchvision / timm builders): parameter counts and MACs at 224×224.
//
// Sources: the torchvision model documentation pages (pytorch.org/vision/stable/models/generated/torchvision.models.<name>),
// fields `num_params` and `GFLOPS`. torchvision's "GFLOPS" counts one multiply-add as one operation (fvcore convention),
// so the figure is used here as GMACs. timm names map to the same network when the architecture is identical.

export interface KnownArchitecture {
  /** Builder name as written after `torchvision.models.` (or timm's model name). */
  name: string;
  params: number;
  /** Multiply-accumulates for a 1×3×224×224 input. */
  macs: number;
  /** Input side the MACs were published for. */
  inputSize: number;
  /** Classifier head that `num_classes=` or a head replacement changes: a Linear (or 1×1 Conv for squeezenet). */
  head: { path: string; inFeatures: number; outFeatures: number; conv1x1?: boolean };
  /** Where the figures were published. */
  source: string;
}

const TV = 'https://pytorch.org/vision/stable/models/generated/torchvision.models.';
const G = 1e9;

function tv(name: string, params: number, gmacs: number, head: KnownArchitecture['head']): KnownArchitecture {
  return { name, params, macs: Math.round(gmacs * G), inputSize: 224, head, source: `${TV}${name}.html` };
}

export const TORCHVISION: Record<string, KnownArchitecture> = Object.fromEntries(
  [
    tv('resnet18', 11_689_512, 1.81, { path: 'fc', inFeatures: 512, outFeatures: 1000 }),
    tv('resnet34', 21_797_672, 3.66, { path: 'fc', inFeatures: 512, outFeatures: 1000 }),
    tv('resnet50', 25_557_032, 4.09, { path: 'fc', inFeatures: 2048, outFeatures: 1000 }),
    tv('mobilenet_v2', 3_504_872, 0.3, { path: 'classifier.1', inFeatures: 1280, outFeatures: 1000 }),
    tv('mobilenet_v3_small', 2_542_856, 0.06, { path: 'classifier.3', inFeatures: 1024, outFeatures: 1000 }),
    tv('mobilenet_v3_large', 5_483_032, 0.22, { path: 'classifier.3', inFeatures: 1280, outFeatures: 1000 }),
    tv('efficientnet_b0', 5_288_548, 0.39, { path: 'classifier.1', inFeatures: 1280, outFeatures: 1000 }),
    tv('squeezenet1_1', 1_235_496, 0.35, { path: 'classifier.1', inFeatures: 512, outFeatures: 1000, conv1x1: true }),
    tv('shufflenet_v2_x1_0', 2_278_604, 0.14, { path: 'fc', inFeatures: 1024, outFeatures: 1000 }),
    tv('mnasnet1_0', 4_383_312, 0.31, { path: 'classifier.1', inFeatures: 1280, outFeatures: 1000 }),
    tv('alexnet', 61_100_840, 0.71, { path: 'classifier.6', inFeatures: 4096, outFeatures: 1000 }),
    tv('vgg16', 138_357_544, 15.47, { path: 'classifier.6', inFeatures: 4096, outFeatures: 1000 }),
    tv('densenet121', 7_978_856, 2.83, { path: 'classifier', inFeatures: 1024, outFeatures: 1000 }),
  ].map((a) => [a.name, a]),
);

/** timm model names that build the same network as a torchvision entry (same parameter count). */
const TIMM_ALIASES: Record<string, string> = {
  resnet18: 'resnet18',
  resnet34: 'resnet34',
  resnet50: 'resnet50',
  mobilenetv2_100: 'mobilenet_v2',
  efficientnet_b0: 'efficientnet_b0',
};

export function torchvisionArchitecture(name: string): KnownArchitecture | undefined {
  return TORCHVISION[name];
}

/** timm.create_model('name.tag', ...): the pretrained tag after the dot does not change the architecture. */
export function timmArchitecture(name: string): KnownArchitecture | undefined {
  const base = name.split('.')[0]!;
  const tvName = TIMM_ALIASES[base];
  if (!tvName) return undefined;
  const a = TORCHVISION[tvName]!;
  // timm keeps ResNet's head at `fc` but names the EfficientNet/MobileNet head plain `classifier`.
  const head = base.startsWith('resnet') ? a.head : { ...a.head, path: 'classifier' };
  return { ...a, head, name: `timm:${base}`, source: `${a.source} (timm ${base} builds the same network)` };
}
