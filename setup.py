"""Packaging: one import package, ``apidouble``, assembled from the top-level folders.

The repository keeps the layout users look for (``spec/``, ``mock_server/``,
``conformance/``, ...), while the installed wheel exposes a single top-level
name, so nothing collides with other distributions' ``fixtures`` or ``load``.
Metadata lives in pyproject.toml; only the folder mapping is computed here.
"""

from setuptools import find_packages, setup

FOLDERS = {
    "apidouble": "apidouble",
    "apidouble.mock_server": "mock_server",
    "apidouble.conformance": "conformance",
    "apidouble.load": "load",
    "apidouble.fixtures": "fixtures",
    "apidouble.spec": "spec",
}

packages: list[str] = []
package_dir: dict[str, str] = {}
for package, folder in FOLDERS.items():
    package_dir[package] = folder
    packages.append(package)
    packages.extend(f"{package}.{sub}" for sub in find_packages(folder))

setup(
    packages=packages,
    package_dir=package_dir,
    package_data={
        "apidouble.spec": ["*.yaml", "data/*.json"],
        "apidouble.conformance": ["*.schema.json"],
        "apidouble.fixtures": ["*/*.json", "*/*.csv", "*/*.tsv", "*/*.txt"],
        "apidouble.mock_server": ["*/templates/*.html", "core/templates/*.html",
                                  "alemba/query/*.lark"],
    },
    zip_safe=False,
)
