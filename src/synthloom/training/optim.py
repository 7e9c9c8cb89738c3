"""Adam over one flat buffer of weights: the optimiser every synthloom network trains with.

Why not ``torch.optim.Adam``: creating any ``torch.optim`` optimiser imports ``torch._dynamo`` (the compiler
front end, which synthloom never uses). On this project's 2-core machine that import took 1.1 s of a 7.0 s
TVAE fit (adult, 7,000 rows, 100 epochs; 0.8 - 0.9 s of CPU time alone), paid again by every fresh
``synthloom fit``. The update calls the fused kernels behind ``torch.optim.Adam(fused=True)`` and
``AdamW(fused=True)`` (L2 weight decay added to the gradient, or decoupled) directly, which import nothing:
one pass over the weights, gradients and averages, where the same arithmetic in separate element-wise
operations took eight and allocated three temporaries. On CTGAN's critic (724,225 weights, adult) that
made a training step 21 -> 19 ms.

The weights and gradients of the networks become views into two flat tensors, so an update is one kernel
call on one tensor however many layers there are, and gradients can be averaged over
ranks (``torchrun``) in one message.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import torch

StepHook = Callable[["FlatAdam"], None]


class FlatAdam:
    """Adam (or AdamW with ``decoupled_weight_decay=True``) for a set of parameters.

    The parameters' ``data`` and ``grad`` are replaced by views into ``self.weights`` and ``self.grad``:
    backward passes accumulate into those views, ``zero_grad`` clears them all at once. ``lr`` may be set
    between steps (a learning-rate schedule). Create it after the networks are on their device.

    Example:
        >>> net = torch.nn.Linear(3, 1)
        >>> optimiser = FlatAdam(net.parameters(), lr=1e-2)
        >>> optimiser.zero_grad(); net(torch.ones(2, 3)).sum().backward(); optimiser.step()
    """

    def __init__(
        self,
        parameters: Iterable[torch.nn.Parameter],
        lr: float,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        decoupled_weight_decay: bool = False,
    ) -> None:
        unique = {id(p): p for p in parameters if p.requires_grad}  # a shared layer is updated once
        self.parameters = list(unique.values())
        if not self.parameters:
            raise ValueError("FlatAdam got no parameters that require gradients")
        first = self.parameters[0]
        if any(p.dtype != first.dtype or p.device != first.device for p in self.parameters):
            raise ValueError("FlatAdam needs parameters of one dtype on one device (they share one buffer)")
        size = sum(p.numel() for p in self.parameters)
        self.weights = torch.empty(size, dtype=first.dtype, device=first.device)
        self.grad = torch.zeros_like(self.weights)
        offset = 0
        for p in self.parameters:
            end = offset + p.numel()
            self.weights[offset:end].copy_(p.detach().reshape(-1))
            p.data = self.weights[offset:end].view_as(p)
            p.grad = self.grad[offset:end].view_as(p)
            offset = end
        self.average = torch.zeros_like(self.weights)
        self.average_square = torch.zeros_like(self.weights)
        self.lr, self.betas, self.eps = lr, betas, eps
        self.weight_decay, self.decoupled_weight_decay = weight_decay, decoupled_weight_decay
        self.steps = 0
        self._step_count = torch.zeros((), dtype=torch.float32, device=first.device)  # the kernel's own count
        self._step_hooks: list[StepHook] = []

    def zero_grad(self) -> None:
        """Clear every gradient (they stay views into ``self.grad``, which backward passes add to)."""
        self.grad.zero_()

    def add_step_hook(self, hook: StepHook) -> Callable[[], None]:
        """Call ``hook(self)`` before each step (to average ``self.grad`` over ranks); returns its remover."""
        self._step_hooks.append(hook)
        return lambda: self._step_hooks.remove(hook)

    @torch.no_grad()
    def step(self) -> None:
        """One Adam update of every parameter from the gradients accumulated since ``zero_grad``."""
        for hook in self._step_hooks:
            hook(self)
        self.steps += 1
        self._step_count += 1
        update = torch._fused_adamw_ if self.decoupled_weight_decay else torch._fused_adam_
        beta1, beta2 = self.betas
        update(
            [self.weights],
            [self.grad],
            [self.average],
            [self.average_square],
            [],
            [self._step_count],
            lr=self.lr,
            beta1=beta1,
            beta2=beta2,
            weight_decay=self.weight_decay,
            eps=self.eps,
            amsgrad=False,
            maximize=False,
        )
