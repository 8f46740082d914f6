"""Steps like a PyTorch optimizer: the weights are a float64 tensor updated in place with
w.add_(g, alpha=-lr), which PyTorch computes as one fused multiply-add (rounded once, where
w - lr * g rounds twice); each row of the trajectory is copied out of it."""

import torch


def gradient_descent(grad, w0, lr, num_steps):
    w = torch.tensor(np.asarray(w0, dtype=np.float64))
    path = np.empty((num_steps + 1, *w.shape))
    path[0] = w.numpy()
    for k in range(1, num_steps + 1):
        g = torch.from_numpy(np.asarray(grad(w.numpy().copy()), dtype=np.float64))
        w.add_(g, alpha=-lr)
        path[k] = w.numpy()
    return path
