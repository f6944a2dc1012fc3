"""Image captioning with a ViT encoder and a GPT-2 decoder (``VisionEncoderDecoderModel``).

On the ``full`` tier the two halves are the pre-trained ``google/vit-base-patch16-224-in21k``
and ``gpt2``: only the cross-attention layers that connect them start random, which is
why the pair must be fine-tuned on image-caption pairs before it captions anything.
Offline, both halves are tiny random configs of the same architectures, so the lesson
can show the mechanics (and a few fine-tuning steps) in a second on a CPU.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..profiles import Profile


@dataclass
class Captioner:
    model: object
    tokenizer: object
    image_processor: object


def _tiny(profile: Profile) -> Captioner:
    from transformers import (AutoTokenizer, GPT2Config, ViTConfig, ViTImageProcessorPil,
                              VisionEncoderDecoderConfig, VisionEncoderDecoderModel)

    tokenizer = AutoTokenizer.from_pretrained(profile.model)  # any tokenizer will do for a random decoder
    encoder = ViTConfig(image_size=32, patch_size=8, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=64)
    decoder = GPT2Config(vocab_size=tokenizer.vocab_size, n_positions=32, n_embd=32, n_layer=2, n_head=2,
                         bos_token_id=tokenizer.cls_token_id, eos_token_id=tokenizer.sep_token_id)
    config = VisionEncoderDecoderConfig.from_encoder_decoder_configs(encoder, decoder)
    model = VisionEncoderDecoderModel(config=config)
    processor = ViTImageProcessorPil(size={"height": 32, "width": 32})  # Pillow: no torchvision needed
    _set_special_tokens(model, tokenizer, start=tokenizer.cls_token_id, end=tokenizer.sep_token_id)
    return Captioner(model, tokenizer, processor)


def _pretrained(profile: Profile) -> Captioner:
    from transformers import (AutoConfig, AutoModel, AutoModelForCausalLM, AutoTokenizer, VisionEncoderDecoderConfig,
                              VisionEncoderDecoderModel, ViTImageProcessorPil as ViTImageProcessor)

    from ..models import from_hub

    encoder = from_hub(AutoModel.from_pretrained, profile.vision_encoder, adapters=True)
    # The decoder needs cross-attention layers (they start random). Set on the config by hand:
    # from_encoder_decoder_pretrained reads GPT2Config.is_decoder, which transformers 5 no longer has.
    decoder_config = from_hub(AutoConfig.from_pretrained, profile.text_decoder)
    decoder_config.is_decoder = True
    decoder_config.add_cross_attention = True
    decoder = from_hub(AutoModelForCausalLM.from_pretrained, profile.text_decoder, adapters=True, config=decoder_config)
    config = VisionEncoderDecoderConfig.from_encoder_decoder_configs(encoder.config, decoder.config)
    config.tie_word_embeddings = False
    model = VisionEncoderDecoderModel(config=config, encoder=encoder, decoder=decoder)
    tokenizer = from_hub(AutoTokenizer.from_pretrained, profile.text_decoder)
    processor = from_hub(ViTImageProcessor.from_pretrained, profile.vision_encoder)
    tokenizer.pad_token = tokenizer.eos_token  # GPT-2 has no padding token
    _set_special_tokens(model, tokenizer, start=tokenizer.bos_token_id, end=tokenizer.eos_token_id)
    return Captioner(model, tokenizer, processor)


def _set_special_tokens(model, tokenizer, start: int, end: int) -> None:
    model.config.decoder_start_token_id = start
    model.config.pad_token_id = tokenizer.pad_token_id
    model.config.eos_token_id = end
    model.generation_config.decoder_start_token_id = start
    model.generation_config.pad_token_id = tokenizer.pad_token_id
    model.generation_config.eos_token_id = end


def build_captioner(profile: Profile, seed: int = 0) -> Captioner:
    """The tier's ViT + GPT-2 captioner (tiny and random offline, pre-trained halves on ``full``)."""
    import torch

    torch.manual_seed(seed)
    return _tiny(profile) if profile.text_decoder.startswith("tiny-") else _pretrained(profile)


def make_demo_image(size: int = 224, seed: int = 0):
    """A generated picture (a sun over a sea): no download, the same on every machine."""
    import numpy as np
    from PIL import Image, ImageDraw

    rng = np.random.default_rng(seed)
    image = Image.new("RGB", (size, size), (135, 190, 235))
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, size * 0.6, size, size], fill=(20, 80, 160))
    r = size * 0.12
    cx, cy = size * (0.3 + 0.4 * rng.random()), size * 0.3
    draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=(250, 210, 60))
    return image


def _pixels(captioner: Captioner, image):
    return captioner.image_processor(images=image, return_tensors="pt").pixel_values


def caption_image(captioner: Captioner, image, max_new_tokens: int = 12) -> str:
    """Greedy-decode a caption for ``image``."""
    import torch

    captioner.model.eval()
    with torch.no_grad():
        ids = captioner.model.generate(_pixels(captioner, image), max_new_tokens=max_new_tokens, do_sample=False)
    return captioner.tokenizer.decode(ids[0], skip_special_tokens=True).strip()


def fine_tune_captioner(captioner: Captioner, image, caption: str, steps: int = 60, learning_rate: float = 5e-3):
    """A few optimizer steps on one (image, caption) pair; returns the loss of each step.

    Real captioning fine-tuning uses tens of thousands of pairs (e.g. COCO Captions),
    a GPU, and a learning rate near 5e-5 for the pre-trained halves.
    """
    import torch

    model = captioner.model
    model.train()
    pixels = _pixels(captioner, image)
    labels = captioner.tokenizer(caption, return_tensors="pt").input_ids
    if captioner.tokenizer.cls_token_id is not None and labels[0, 0] == captioner.tokenizer.cls_token_id:
        labels = labels[:, 1:]  # the decoder start token is added by the model
    optimizer = torch.optim.AdamW(model.parameters(), lr=learning_rate)
    losses = []
    for _ in range(steps):
        loss = model(pixel_values=pixels, labels=labels).loss
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        losses.append(loss.item())
    model.eval()
    return losses
