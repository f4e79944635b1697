#!/bin/sh
# Unpacks each export listed in models.txt into /models/NAME (run by the fetch-models init
# container; busybox's wget and unzip). A folder that already holds a model is left alone, so a
# PersistentVolumeClaim in place of the emptyDir downloads once.
set -eu
grep -v '^[[:space:]]*\(#\|$\)' /etc/vigil-models/models.txt | while read -r name url; do
  if [ -n "$(ls -A "/models/$name" 2>/dev/null)" ]; then
    echo "model $name: already in /models/$name"
    continue
  fi
  echo "model $name: fetching"
  wget -q -O /tmp/model.zip "$url"
  mkdir -p "/models/$name"
  unzip -o -q /tmp/model.zip -d "/models/$name"
  rm -f /tmp/model.zip
done
