# Lambda container image of the hello example, built with the same scripts CI
# uses (scripts/bootstrap.sh, then the CMake build behind `make`).
#
#   docker build -t fnguard-hello .
#   docker run -p 9000:8080 fnguard-hello   # with the Lambda Runtime Interface Emulator
#
# Stage 1: Debian 12 builder.
FROM debian:12 AS build
WORKDIR /src
COPY scripts/bootstrap.sh scripts/bootstrap.sh
RUN bash scripts/bootstrap.sh
COPY . .
RUN cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DFNGUARD_BUILD_TESTS=OFF \
 && cmake --build build --target hello_bootstrap fnguard_cli \
 && cmake --install build --prefix /opt/fnguard

# Stage 2: minimal runtime with only the shared libraries the function needs.
FROM debian:12-slim
RUN apt-get update -qq \
 && apt-get install -y -qq --no-install-recommends ca-certificates libcurl4 libsimdjson14 libre2-9 \
      libprotobuf32 libyaml-cpp0.7 libabsl20220623 libcpp-httplib0.11 \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --no-create-home fn
COPY --from=build /opt/fnguard/lib/ /opt/fnguard/lib/
COPY --from=build /src/build/examples/hello/bootstrap /var/runtime/bootstrap
COPY examples/hello/policy.yaml /var/task/policy.yaml
ENV LD_LIBRARY_PATH=/opt/fnguard/lib:/opt/fnguard/lib/x86_64-linux-gnu \
    FNGUARD_POLICY=/var/task/policy.yaml \
    LAMBDA_TASK_ROOT=/var/task
USER fn
ENTRYPOINT ["/var/runtime/bootstrap"]
