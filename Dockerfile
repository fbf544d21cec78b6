# Lambda container image of the hello example, built with the same steps CI
# runs: scripts/bootstrap.sh, `make build` (CI's `make test` builds through the
# same target) and scripts/package-lambda.sh (run by the ctest
# script.package_lambda). tests/integration/dockerfile_stages.sh checks that
# this file keeps calling them, and runs the packaging step and the image's
# entry point the way this file does.
#
#   docker build -t fnguard-hello .
#
# Run it locally with the Lambda Runtime Interface Emulator (aws-lambda-rie,
# from the aws-lambda-runtime-interface-emulator releases, in ~/.aws-lambda-rie):
#   docker run -p 9000:8080 -v ~/.aws-lambda-rie:/aws-lambda \
#     --entrypoint /aws-lambda/aws-lambda-rie fnguard-hello /var/task/bootstrap
#   curl -d @examples/hello/events/benign-get.json \
#     localhost:9000/2015-03-31/functions/function/invocations
#
# Stage 1: Debian 12 builder.
FROM debian:12 AS build
WORKDIR /src
COPY scripts/bootstrap.sh scripts/bootstrap.sh
RUN bash scripts/bootstrap.sh
COPY . .
RUN make build BUILD=build CMAKE_FLAGS="-DCMAKE_BUILD_TYPE=Release -DFNGUARD_BUILD_TESTS=OFF"
# The function, every shared library it loads (glibc and the loader too) and
# its policy, unpacked: the same tree as the upload zip.
RUN bash scripts/package-lambda.sh build/examples/hello/bootstrap examples/hello/policy.yaml /opt/function

# Stage 2: minimal runtime. The bundle brings its own libraries, so nothing
# is installed; only the CA certificates (for a TLS collector) are copied.
FROM debian:12-slim
COPY --from=build /opt/function /var/task
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
ENV LAMBDA_TASK_ROOT=/var/task \
    FNGUARD_POLICY=/var/task/policy.yaml
USER 10001:10001
ENTRYPOINT ["/var/task/bootstrap"]
