# `hac` in a minimal image for CI systems that run steps in containers:
#   docker build -t hac .
#   docker run --rm -e HAC_URL=https://hac.example.com -e HAC_PASSWORD hac groovy - < script.groovy
# The binary is the static one of scripts/build-static (musl, CA roots built in), so the
# final image needs nothing but it.
FROM rust:1.89-bookworm AS build
RUN apt-get update -qq && apt-get install -y -qq musl-tools binutils && rm -rf /var/lib/apt/lists/*
RUN rustup target add x86_64-unknown-linux-musl
WORKDIR /src
COPY . .
RUN scripts/build-static x86_64-unknown-linux-musl \
    && scripts/check-static dist/hac-x86_64-unknown-linux-musl/hac \
    && mkdir -p /out/home/hac /out/tmp \
    && cp dist/hac-x86_64-unknown-linux-musl/hac /out/hac

FROM scratch
COPY --from=build /out/hac /usr/local/bin/hac
# A home for the session cache and a /tmp, owned by the unprivileged user.
COPY --from=build --chown=65532:65532 /out/home/hac /home/hac
COPY --from=build --chown=65532:65532 /out/tmp /tmp
ENV PATH=/usr/local/bin HOME=/home/hac TMPDIR=/tmp
USER 65532:65532
ENTRYPOINT ["hac"]
CMD ["--help"]
