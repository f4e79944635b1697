# syntax=docker/dockerfile:1
# Vigil's container image: one image, the role chosen by the command.
#   docker build -t vigil .
#   docker run -p 8080:8080 vigil                         vigil run (the demo until you mount a config)
#   docker run vigil serve --model /models/fruit --host 0.0.0.0
#   docker run --device /dev/video0 -e VIDEO_PATH=0 -e VIGIL_MODEL=/models/fruit vigil capture
#   docker run -e VIGIL_MQTT_URL=mqtt://broker:1883 -e VIGIL_DISPLAY_TERMINAL=true vigil display
# Multi-arch builds and the checks this file passes: packaging/README.md.

# Build: the release binary, made into the release package's tree by scripts/make-dist.sh (the
# same tree the tarball holds: bin/vigil, lib/ with the Swift runtime, share/vigil/).
FROM swift:6.3-bookworm AS build
# scripts/install-deps.sh's build and dist lists: the -dev packages, and make-dist.sh's tools.
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      binutils \
      libavcodec-dev \
      libavdevice-dev \
      libavformat-dev \
      libavutil-dev \
      libmosquitto-dev \
      libopenblas-dev \
      libpng-dev \
      libsqlite3-dev \
      libswscale-dev \
      libturbojpeg0-dev \
      patchelf \
      pkg-config \
      zlib1g-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
COPY Sources Sources
COPY Tests Tests
COPY demo demo
COPY packaging packaging
COPY scripts/make-dist.sh scripts/make-dist.sh
RUN --mount=type=cache,target=/src/.build \
    swift build -c release --product vigil \
 && scripts/make-dist.sh --binary .build/release/vigil --out /dist --no-tarball \
 && mv /dist/vigil-*-linux-* /dist/vigil

# Run: Debian slim plus exactly the packages owning the libraries bin/vigil and lib/*.so link
# (share/vigil/runtime-packages.txt of the release package, less libc6, libgcc-s1, libstdc++6
# and zlib1g, which the base has), and ca-certificates for TLS.
FROM debian:bookworm-slim
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      ca-certificates \
      libavcodec59 \
      libavdevice59 \
      libavformat59 \
      libavutil57 \
      libcurl4 \
      libmosquitto1 \
      libopenblas0-pthread \
      libpng16-16 \
      libsqlite3-0 \
      libswscale6 \
      libturbojpeg0 \
      libxml2 \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 vigil \
 && useradd --system --uid 10001 --gid vigil --groups video --home-dir /var/lib/vigil --shell /usr/sbin/nologin vigil \
 && install -d -o vigil -g vigil -m 0750 /var/lib/vigil
COPY --from=build /dist/vigil/bin /opt/vigil/bin
COPY --from=build /dist/vigil/lib /opt/vigil/lib
COPY --from=build /dist/vigil/share /opt/vigil/share
COPY --from=build /dist/vigil/etc/vigil.yaml /etc/vigil/vigil.yaml
COPY packaging/docker/healthcheck.sh /usr/local/bin/vigil-healthcheck
RUN ln -s /opt/vigil/bin/vigil /usr/local/bin/vigil
# run, display, events and uploads read this file; mount yours over it (or set VIGIL_* variables).
ENV VIGIL_CONFIG=/etc/vigil/vigil.yaml
# vigil, by number: Kubernetes' runAsNonRoot can only check a numeric user.
USER 10001:10001
WORKDIR /var/lib/vigil
EXPOSE 8080
# GET /healthz on the role's port (run, serve, display); capture, without HTTP, passes while it runs.
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 CMD ["/usr/local/bin/vigil-healthcheck"]
# vigil stops cleanly on SIGTERM (Docker's default stop signal).
ENTRYPOINT ["vigil"]
CMD ["run"]
