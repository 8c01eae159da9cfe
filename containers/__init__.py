"""The platform as containers: images built with podman, and the Kubernetes manifests played
on one machine with ``podman kube play`` (``make images``, ``make up-containers``).

- ``lock``: the fully pinned requirements the images install (``containers/requirements``)
- ``podman``: the podman command this machine needs (runtime, limits) and its errors
- ``bases``: the base images, from a registry where one answers, else built locally
- ``images``: every image of the platform, tagged with the git commit
- ``play``: the local overlay turned into what ``kube play`` runs, and what it leaves out
- ``stack``: the platform up and down from those images against this machine's services
"""
