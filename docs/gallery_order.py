"""The order of the gallery's examples, from first steps to specialised uses."""

ORDER = [
    "plot_dense_loss_curve.py",
    "plot_fashion_mnist_conv_denoising.py",
    "plot_deep_dense_vs_pca.py",
    "plot_pipeline_logistic_regression.py",
    "plot_grid_search_noise_factor.py",
    "plot_noise_robustness.py",
    "plot_inpainting_block_noise.py",
    "plot_denoise_sample_photo.py",
    "plot_novelty_detection.py",
    "plot_impute_then_classify.py",
    "plot_save_and_load_conv_pool.py",
    # Last: importing scikeras patches Keras' pickling in the process that
    # builds the gallery, which no example after it should inherit.
    "plot_scikeras_pipeline.py",
]


class ExampleOrder:
    """Sort key for sphinx-gallery: the position in ``ORDER``, then the name."""

    def __init__(self, src_dir):
        self.src_dir = src_dir

    def __call__(self, filename):
        position = ORDER.index(filename) if filename in ORDER else len(ORDER)
        return position, filename

    def __repr__(self):
        return f"<{type(self).__name__}>"
