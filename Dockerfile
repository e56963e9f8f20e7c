# The digit-recognition demo in one container: `docker build -t digits . && docker run -p 8501:8501 digits`.
# Works as is on Kubernetes (deploy/kubernetes.yaml) and as a Hugging Face Docker Space (app_port: 8501).
# Bookworm named: the Chinese font below is pinned to its Debian release.
FROM python:3.11-slim-bookworm

# No .pyc files in the image, logs straight to `docker logs`, no pip cache in any layer.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# UID 1000: the user Hugging Face Spaces run containers as; any non-root user works elsewhere.
RUN groupadd --gid 1000 digits \
    && useradd --create-home --uid 1000 --gid 1000 --shell /usr/sbin/nologin digits

# Chinese in the figures and slides (matplotlib) needs a font with the glyphs: Noto Sans CJK.
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-noto-cjk=1:20220127+repack1-1 \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first, so a code change does not reinstall TensorFlow (tensorflow-cpu on Linux).
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

# The app, the shipped model (model/mnist_cnn.keras + .json) and the bundled MNIST sample.
# Owned by root: the app user can read the shipped model but never overwrite it.
COPY .streamlit/config.toml .streamlit/config.toml
COPY app.py .
COPY pages/ pages/
COPY ui/ ui/
COPY model/ model/
COPY locale/ locale/

# Trained models and the audience rooms' SQLite file go to folders the app user owns (/app is
# read-only to it); the hosting limits (DIGITS_MEMORY_BUDGET_MB and the others in README's
# table) keep model/hosting/settings.py's defaults unless set with `-e`. HOME is where Keras caches a
# downloaded MNIST and matplotlib its font cache.
ENV HOME=/home/digits \
    DIGITS_RUNS_DIR=/home/digits/runs \
    DIGITS_DATA_DIR=/home/digits/data
# Numeric, so Kubernetes' runAsNonRoot can verify it without the image's /etc/passwd.
USER 1000:1000
RUN mkdir -p "$DIGITS_RUNS_DIR" "$DIGITS_DATA_DIR"

EXPOSE 8501

# slim has no curl: Python's urllib fails (non-zero exit) on anything but a 2xx answer.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://localhost:8501/_stcore/health', timeout=4)"]

# The same command the tests start (tests/support/browser.py), listening on all interfaces.
CMD ["python", "-m", "streamlit", "run", "app.py", "--server.port", "8501", "--server.address", "0.0.0.0", "--server.headless", "true", "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
