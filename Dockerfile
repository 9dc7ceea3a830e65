# Multi-stage: build the shaded jar with the JDK and kustomize's engine with Go, run them on a JRE as a non-root user.
# Kustomize v5.8.2's engine (engines/kustomize: sigs.k8s.io/kustomize/api v0.21.2), from its Go modules.
FROM golang:1.26 AS kustomize
WORKDIR /src
COPY engines/kustomize .
RUN CGO_ENABLED=0 GOFLAGS=-mod=mod go build -trimpath -ldflags "-s -w -X main.Version=v5.8.2" \
      -o /out/capstan-kustomize .

FROM maven:3.9-eclipse-temurin-21 AS build
WORKDIR /src
COPY pom.xml .
COPY config config
COPY agent agent
COPY it-tests/pom.xml it-tests/pom.xml
RUN mvn -B -q -pl agent -am package -DskipTests -DskipITs

# Bytecode is Java 21; the runtime is 25, which the benchmarks measure: units run on virtual threads, and since JDK 24
# (JEP 491) one blocking inside a synchronized block no longer pins its carrier thread.
FROM eclipse-temurin:25-jre
COPY --from=build /src/agent/target/capstan.jar /app/capstan.jar
COPY --from=kustomize /out/capstan-kustomize /usr/local/bin/capstan-kustomize
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["java", "-jar", "/app/capstan.jar"]
CMD ["run", "--config", "/etc/capstan/agent.yaml"]
