"""What the synthetic graph (:mod:`kg.synthetic`) is made of: the words of its titles and
abstracts, the names of its people, models and datasets, and the real models and datasets the
saved questions ask about (the anchors), so that every saved question has answers at any size.

The order of every sequence is part of the output: the generator draws from them by position.
"""


WORDS = (
    "segmentation", "medical", "image", "foundation", "model", "prompt", "promptable", "universal",
    "generalist", "volumetric", "zero-shot", "few-shot", "adapter", "fine-tuning",
    "parameter-efficient", "lesion", "tumour", "organ", "abdominal", "cardiac", "brain", "retinal",
    "polyp", "skin", "ultrasound", "endoscopy", "pathology", "radiology", "CT", "MRI", "X-ray",
    "3D", "2D", "video", "memory", "attention", "transformer", "encoder", "decoder", "mask", "box",
    "point", "click", "interactive", "annotation", "benchmark", "dataset", "evaluation", "Dice",
    "robust", "efficient", "lightweight", "multi-modal", "text-guided", "vision-language",
    "contrastive", "self-supervised", "pretraining", "distillation", "uncertainty", "calibration",
    "boundary", "multi-organ", "cross-domain", "generalisation", "federated", "semi-supervised",
    "weakly", "labelled",
)

FIRST_NAMES = (
    "Ana", "Bo", "Chen", "Dara", "Eli", "Fang", "Gita", "Hugo", "Ines", "Jun", "Kai", "Lena",
    "Mina", "Nils", "Omar", "Pia", "Qi", "Rosa", "Sam", "Tara", "Uma", "Vik", "Wei", "Xin", "Yara",
    "Zoe", "Li", "Ming", "Noor", "Ivan",
)

LAST_NAMES = (
    "Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Xu", "Sun", "Ma",
    "Zhu", "Hu", "Guo", "Lin", "He", "Gao", "Luo", "Muller", "Schmidt", "Rossi", "Moglia", "Garcia",
    "Martin", "Silva", "Kim", "Park", "Lee", "Nguyen", "Tanaka", "Sato", "Patel", "Singh", "Khan",
)

MODALITIES = (
    "CT", "MRI", "Ultrasound", "X-ray", "Endoscopy", "Dermoscopy", "Fundus", "Histopathology",
)

REGIONS = (
    "Abdomen", "Brain", "Thorax", "Neck", "Pelvis", "Skin", "Eye", "Whole body",
)

OBJECTS = (
    "liver", "kidney", "spleen", "pancreas", "tumour", "polyp", "lesion", "heart", "lung", "vessel",
)

NAME_PREFIXES = (
    "Med", "Uni", "Bio", "Sam", "Seg", "Vol", "Path", "Echo", "Derm", "Retina", "Onco", "Gen",
)

NAME_SUFFIXES = (
    "Adapter", "Net", "SAM", "Former", "Seg", "Prompt", "Track", "Med", "Vision", "Mamba", "Diff",
)


# The real models and datasets the saved questions ask about, with their lineage and class.
ANCHOR_MODELS = (  # label, base, class, framework
    ("SAM", None, "Zero-shot of SAM", "Generalist"),
    ("SAM 2", "SAM", "Zero-shot of SAM 2", "Generalist"),
    ("MedSAM", "SAM", "Full fine-tuning of SAM", "Generalist"),
    ("MedSAM2", "SAM 2", "Fine-tuning of SAM 2", "Generalist"),
    ("Med-SA", "SAM", "Adapters for SAM", "Generalist"),
    ("SAM-Med3D", "SAM", "Modifications to SAM architecture", "Generalist"),
    ("U-Net", None, None, "TaskSpecific"),
    ("nnU-Net", "U-Net", None, "TaskSpecific"),
    ("CLIP", None, None, "Generalist"),
)
ANCHOR_DATASETS = (  # label, parent, modality, region
    ("BTCV", None, "CT", "Abdomen"),
    ("BTCV Abdomen", "BTCV", "CT", "Abdomen"),
    ("BTCV Cervix", "BTCV", "CT", "Pelvis"),
    ("AMOS", None, "CT", "Abdomen"),
    ("KiTS19", None, "CT", "Abdomen"),
    ("BraTS 2021", None, "MRI", "Brain"),
    ("ACDC", None, "MRI", "Thorax"),
    ("ISIC 2018", None, "Dermoscopy", "Skin"),
    ("Kvasir-SEG", None, "Endoscopy", "Abdomen"),
    ("REFUGE", None, "Fundus", "Eye"),
)
