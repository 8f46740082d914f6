"""Steps like a PyTorch optimizer: the weights are a float64 tensor updated in place with
w.add_(g, alpha=-lr), which PyTorch computes as one fused multiply-add (rounded once, where
w - lr * g rounds twice); each row of the trajectory is copied out of it. The best learning rate
is computed in torch, from torch.linalg.eigvalsh, as the reciprocal of the mean of the extreme
curvatures."""

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


def best_learning_rate(A):
    curvatures = torch.linalg.eigvalsh(torch.tensor(np.asarray(A, dtype=np.float64)))
    return 1.0 / ((curvatures[0] + curvatures[-1]) / 2).item()
