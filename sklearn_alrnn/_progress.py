"""What a fit reports while it runs: a tqdm bar (verbose=1) or one line per epoch (verbose>=2)."""


class ProgressReporter:
    """Report epochs of a fit.

    Parameters
    ----------
    verbose : int
        0: silent; 1: a progress bar with epoch, loss, validation score and ETA
        (one line per epoch instead when ``show_bar`` is False, as in
        ``partial_fit``); 2 or more: one line per epoch, MLP style.
    total_epochs : int
        ``max_iter``, for the bar's ETA (a fit that stops early ends sooner).
    show_bar : bool
    description : str
    """

    def __init__(self, verbose, total_epochs, show_bar, description):
        self.verbose = verbose
        self.bar = None
        if verbose == 1 and show_bar:
            from tqdm.auto import tqdm

            self.bar = tqdm(total=total_epochs, unit="epoch", desc=description, leave=True)

    def epoch(self, n_iter, loss, validation_score=None):
        if self.bar is not None:
            postfix = {"loss": f"{loss:.5f}"}
            if validation_score is not None:
                postfix["val"] = f"{validation_score:.4f}"
            self.bar.set_postfix(postfix, refresh=False)
            self.bar.update(1)
        elif self.verbose:
            print(f"Iteration {n_iter}, loss = {loss:.8f}")
            if validation_score is not None:
                print(f"Validation score: {validation_score:f}")

    def message(self, text):
        if self.bar is not None:
            self.bar.write(text)
        elif self.verbose:
            print(text)

    def close(self):
        if self.bar is not None:
            self.bar.close()
