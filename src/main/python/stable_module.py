"""Saves a scripted TorchScript module as a resource with the same bytes on every run (shared by make_*.py)."""
import os
import zipfile


def save(module, out, rewrite=None):
    """module: a torch.jit.script result; out: the .pt path; rewrite(code) -> code edits the serialized code."""
    tmp = out + ".tmp"
    module.save(tmp)
    with zipfile.ZipFile(tmp) as zin, zipfile.ZipFile(out + ".part", "w", zipfile.ZIP_STORED) as zout:
        for item in zin.infolist():
            if item.filename.endswith(".debug_pkl"):
                continue  # source ranges: they would point into text the rewrite changed, and they vary
            data = zin.read(item.filename)
            if rewrite is not None and item.filename.endswith("code/__torch__.py"):
                data = rewrite(data.decode()).encode()
            item.date_time = (1980, 1, 1, 0, 0, 0)  # the same bytes on every run
            zout.writestr(item, data)
    os.remove(tmp)
    os.replace(out + ".part", out)
    print("wrote", out)
