"""Whether two innosim HDF5 files hold the same results: every group, dataset (values, dtype,
shape) and attribute, bit for bit, except the attributes that record how and when the file was
made (its provenance). Used by the MPI tests: a study run on N ranks must give the file one
process gives."""
import h5py
import numpy as np

# Provenance: when and how the run was made, not what it computed.
PROVENANCE = {"created", "command_line", "hostname", "seconds", "wall_seconds", "threads"}  # and datasets so named
# Dimension-scale bookkeeping: object references, which name places inside their own file.
REFERENCES = {"DIMENSION_LIST", "REFERENCE_LIST"}


def differences(path_a, path_b, ignore=PROVENANCE | REFERENCES):
    found = []
    with h5py.File(path_a, "r") as a, h5py.File(path_b, "r") as b:
        def compare_attributes(name, x, y):
            keys_x = set(x.attrs) - ignore
            keys_y = set(y.attrs) - ignore
            if keys_x != keys_y:
                found.append(f"{name}: attributes {sorted(keys_x ^ keys_y)} in one file only")
            for key in sorted(keys_x & keys_y):
                vx, vy = x.attrs[key], y.attrs[key]
                if isinstance(vx, np.ndarray) or isinstance(vy, np.ndarray):
                    same = np.array_equal(np.asarray(vx), np.asarray(vy),
                                          equal_nan=np.asarray(vx).dtype.kind == "f")
                else:
                    same = vx == vy or (isinstance(vx, float) and np.isnan(vx) and np.isnan(vy))
                if not same:
                    found.append(f"{name}: attribute {key}: {vx!r} != {vy!r}")

        def visit(name, x):
            y = b.get(name)
            if y is None:
                found.append(f"{name}: only in {path_a}")
                return
            compare_attributes(name, x, y)
            if isinstance(x, h5py.Dataset) and name.rsplit("/", 1)[-1] not in ignore:
                if x.shape != y.shape or x.dtype != y.dtype:
                    found.append(f"{name}: shape/dtype {x.shape} {x.dtype} != {y.shape} {y.dtype}")
                    return
                vx, vy = x[()], y[()]
                if x.dtype.kind == "f":
                    same = np.array_equal(vx, vy, equal_nan=True)
                else:
                    same = np.array_equal(vx, vy)
                if not same:
                    found.append(f"{name}: values differ")

        compare_attributes("/", a, b)
        a.visititems(visit)
        b.visititems(lambda name, _: None if name in a else found.append(f"{name}: only in {path_b}"))
    return found
