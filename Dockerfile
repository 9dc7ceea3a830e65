# Multi-stage: build the shaded jar with the JDK, run it on a JRE as a non-root user.
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
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["java", "-jar", "/app/capstan.jar"]
CMD ["run", "--config", "/etc/capstan/agent.yaml"]
