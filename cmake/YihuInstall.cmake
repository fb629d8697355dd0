# `cmake --install`: what deploy/yihu.service expects, where it expects it. With the default prefix (/usr/local):
#   /usr/local/bin/yihu-server (and yihu-token, yihu-dispatch, yihu-volunteer)
#   /usr/local/lib/systemd/system/yihu.service          (a directory systemd reads)
#   /etc/yihu/yihu.example.toml, and /etc/yihu/yihu.toml from it unless one is there already (never overwritten)
#   /usr/local/share/doc/yihu/*.md                       (the unit's Documentation=)
# Packagers and tests stage it with DESTDIR: DESTDIR=/tmp/stage cmake --install build/release
include(GNUInstallDirs)
set(YIHU_INSTALL_CONFIG_DIR "/etc/yihu" CACHE PATH "Where yihu.toml goes (the systemd unit reads /etc/yihu/yihu.toml)")

install(TARGETS yihu-server yihu-token yihu-dispatch yihu-volunteer RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES deploy/yihu.service DESTINATION lib/systemd/system)
install(FILES deploy/yihu.example.toml DESTINATION ${YIHU_INSTALL_CONFIG_DIR})
install(CODE "
  set(config \"\$ENV{DESTDIR}${YIHU_INSTALL_CONFIG_DIR}/yihu.toml\")
  if(NOT EXISTS \"\${config}\")
    message(STATUS \"Installing: \${config} (from yihu.example.toml)\")
    file(COPY_FILE \"${PROJECT_SOURCE_DIR}/deploy/yihu.example.toml\" \"\${config}\")
  else()
    message(STATUS \"Keeping: \${config}\")
  endif()")
install(DIRECTORY docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR} FILES_MATCHING PATTERN "*.md")
